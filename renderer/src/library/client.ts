/**
 * The library's API methods as the renderer uses them, in one place. Until the library section of
 * main/api/contract.ts lands, these calls are untyped and the screens that need them show
 * NotAvailable (the capability check finds no such method).
 */
import type { Generation, GenerationSummary, Page, Project, SearchQuery, TagCount } from '../../../main/library';
import { ApiError, api } from '../api/client';

export const LIB = {
  search: 'generations.search',
  get: 'generations.get',
  update: 'generations.update',
  remove: 'generations.delete',
  restore: 'generations.restore',
  projects: 'projects.list',
  createProject: 'projects.create',
  tags: 'tags.list',
  exportImages: 'generations.export',
  importImage: 'generations.import',
} as const;

async function libCall<T>(method: string, request: unknown): Promise<T> {
  const result = await (api.call as (m: string, r: unknown) => ReturnType<typeof api.call>)(method, request);
  if (!result.ok) throw new ApiError(result.error);
  return result.value as T;
}

export const library = {
  search: (q: SearchQuery) => libCall<Page<GenerationSummary>>(LIB.search, q),
  get: (id: number | string) => libCall<{ generation: Generation }>(LIB.get, { id: Number(id) }).then((r) => r.generation),
  update: (id: number, patch: { favourite?: boolean; rating?: number; tags?: string[]; projectId?: number | null }) =>
    libCall<{ generation: Generation }>(LIB.update, { id, ...patch }).then((r) => r.generation),
  remove: (ids: number[]) => libCall<unknown>(LIB.remove, { ids }),
  restore: (ids: number[]) => libCall<unknown>(LIB.restore, { ids }),
  projects: () => libCall<{ projects: Project[] }>(LIB.projects, {}).then((r) => r.projects),
  createProject: (name: string) => libCall<{ project: Project }>(LIB.createProject, { name }).then((r) => r.project),
  tags: () => libCall<{ tags: TagCount[] }>(LIB.tags, {}).then((r) => r.tags),
};

export type { Generation, GenerationSummary, Page, Project, SearchQuery, TagCount };
