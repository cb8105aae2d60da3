/**
 * library.* and projects.*: history search, one generation, favourites/ratings/tags, move, trash and
 * restore, import, export, projects. Ids cross the API as strings (like every id in the contract);
 * the library keeps them as integers.
 */
import type { AppContext } from '../../studio/context';
import { type Generation, type GenerationSummary, type Library, type MediaPaths, type Project, rebuildLibrary } from '../../library';
import type { LibraryGeneration, LibraryGenerationSummary, LibraryMedia, LibraryProject, libraryMethods } from '../../contract';
import type { Handlers, MethodsOf } from '../router';

const num = (id: string): number => Number(id);
const str = (id: number | null): string | null => (id === null ? null : String(id));
const optNum = (id: string | null | undefined): number | null | undefined => (id === undefined ? undefined : id === null ? null : num(id));

function media(m: MediaPaths | null): LibraryMedia | null {
  return m ? { hash: m.hash, format: m.format, image: m.image, thumbs: { 256: m.thumbs[256], 512: m.thumbs[512] } } : null;
}

export function apiSummary(g: GenerationSummary): LibraryGenerationSummary {
  return {
    ...g,
    id: String(g.id),
    projectId: str(g.projectId),
    parentId: str(g.parentId),
    media: media(g.media),
    group: g.group ? { ...g.group, id: String(g.group.id) } : null,
  };
}

export function apiGeneration(g: Generation): LibraryGeneration {
  return {
    ...apiSummary(g),
    negativePrompt: g.negativePrompt,
    recipe: g.recipe,
    timings: g.timings,
    jobId: g.jobId,
    references: g.references.map((r) => ({ position: r.position, role: r.role, media: media(r.media)! })),
    children: g.children.map(String),
    textCheckDetails: g.textCheckDetails,
    group: g.group ? { ...g.group, id: String(g.group.id), members: g.group.members.map(String) } : null,
  };
}

export function apiProject(p: Project): LibraryProject {
  return { ...p, id: String(p.id), cover: media(p.cover) };
}

export function libraryHandlers(ctx: AppContext): Handlers<MethodsOf<typeof libraryMethods>> {
  const lib = (): Promise<Library> => ctx.library();
  const changed = (kind: 'generations' | 'projects' | 'trash', ids: Array<string | number>) =>
    ctx.events.emit('library.changed', { kind, ids: ids.map(String) });

  return {
    'library.search': async (r) => {
      const page = (await lib()).search({
        ...r,
        projectId: optNum(r.projectId),
        cursor: r.cursor ?? null,
      });
      return { items: page.items.map(apiSummary), nextCursor: page.nextCursor };
    },
    'library.get': async (r) => ({ generation: apiGeneration((await lib()).getGeneration(num(r.id))) }),
    'library.update': async (r) => {
      const g = (await lib()).updateGeneration(num(r.id), {
        favourite: r.favourite,
        rating: r.rating,
        tags: r.tags,
        projectId: optNum(r.projectId),
      });
      changed('generations', [r.id]);
      return { generation: apiGeneration(g) };
    },
    'library.updateMany': async (r) => {
      const { ids, ...patch } = r;
      const count = (await lib()).updateGenerations(ids.map(num), patch);
      changed('generations', ids);
      return { count };
    },
    'library.move': async (r) => {
      const count = (await lib()).moveGenerations(r.ids.map(num), optNum(r.projectId) ?? null);
      changed('generations', r.ids);
      return { count };
    },
    'library.delete': async (r) => {
      const count = (await lib()).deleteGenerations(r.ids.map(num));
      changed('trash', r.ids);
      return { count };
    },
    'library.restore': async (r) => {
      const count = (await lib()).restoreGenerations(r.ids.map(num));
      changed('trash', r.ids);
      return { count };
    },
    'library.checkText': async (r) => {
      const g = await (await ctx.engine.queue()).checkText(num(r.id));
      return { generation: apiGeneration(g) };
    },
    'library.tags': async () => ({ tags: (await lib()).listTags() }),
    'library.trash': async () => {
      const t = (await lib()).listTrash();
      return { projects: t.projects.map(apiProject), generations: t.generations.map(apiSummary) };
    },
    'library.emptyTrash': async () => {
      const result = await (await lib()).emptyTrash();
      changed('trash', []);
      return result;
    },
    'library.import': async (r) => {
      const input = 'path' in r ? { path: r.path } : { bytes: Buffer.from(r.dataBase64, 'base64'), name: r.name };
      const g = await (await lib()).importImage(input, { projectId: optNum(r.projectId) ?? null, tags: r.tags });
      changed('generations', [g.id]);
      return { generation: apiGeneration(g) };
    },
    'library.export': async (r) =>
      'projectId' in r ? (await lib()).exportProject(num(r.projectId), r.folder) : (await lib()).exportGenerations(r.ids.map(num), r.name ?? 'Glimmer images', r.folder),
    'library.rebuild': async () => {
      const report = await rebuildLibrary(ctx.paths.dataDir);
      changed('generations', []);
      return report;
    },
    'projects.list': async () => ({ projects: (await lib()).listProjects().map(apiProject) }),
    'projects.create': async (r) => {
      const p = (await lib()).createProject(r.name);
      changed('projects', [p.id]);
      return { project: apiProject(p) };
    },
    'projects.rename': async (r) => {
      const p = (await lib()).renameProject(num(r.id), r.name);
      changed('projects', [p.id]);
      return { project: apiProject(p) };
    },
    'projects.delete': async (r) => {
      const p = (await lib()).deleteProject(num(r.id));
      changed('projects', [p.id]);
      return { project: apiProject(p) };
    },
    'projects.restore': async (r) => {
      const p = (await lib()).restoreProject(num(r.id));
      changed('projects', [p.id]);
      return { project: apiProject(p) };
    },
  };
}
