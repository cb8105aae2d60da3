/**
 * A model by what users call it: the name or id `glimmer models list` (and the Models screen) shows,
 * or a folder. One rule for the CLI's --model / --checkpoint / --id and for the name the studio shows
 * for the folder in use.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { listModels, type ListModelsOptions, type ModelEntry } from './models-folder';

export type ModelLookup =
  | { kind: 'folder'; path: string; entry: ModelEntry | null }
  | { kind: 'model'; path: string; entry: ModelEntry }
  | { kind: 'ambiguous'; query: string; entries: ModelEntry[] }
  | { kind: 'not-found'; query: string };

async function samePath(a: string, b: string): Promise<boolean> {
  const [ra, rb] = await Promise.all([realpath(a).catch(() => path.resolve(a)), realpath(b).catch(() => path.resolve(b))]);
  return ra === rb;
}

async function entryFor(models: ModelEntry[], dir: string): Promise<ModelEntry | null> {
  for (const m of models) if (await samePath(m.path, dir)) return m;
  return null;
}

/**
 * What `query` names: an id exactly, else a name (case-insensitive), else an existing folder. A
 * checkpoint and the models compiled from it share its name: the name means the checkpoint (the
 * engine finds its compiled form in the cache at the precision asked for), unless `prefer` says
 * 'compiled'. A name two checkpoints share is ambiguous unless only one of them is ready.
 */
export async function resolveModel(query: string, options: ListModelsOptions & { prefer?: ModelEntry['kind'] }): Promise<ModelLookup> {
  const models = await listModels(options);
  const byId = models.find((m) => m.id === query);
  if (byId) return { kind: 'model', path: byId.path, entry: byId };
  const folder = await stat(query).catch(() => null);
  const named = models.filter((m) => m.name.toLowerCase() === query.trim().toLowerCase());
  if (named.length > 0 && !folder) {
    const kind = named.filter((m) => m.kind === (options.prefer ?? 'checkpoint'));
    const pool = kind.length > 0 ? kind : named;
    const ready = pool.filter((m) => m.status === 'ready');
    const pick = pool.length === 1 ? pool : ready.length === 1 ? ready : null;
    if (pick) return { kind: 'model', path: pick[0]!.path, entry: pick[0]! };
    return { kind: 'ambiguous', query, entries: pool };
  }
  if (folder) return { kind: 'folder', path: path.resolve(query), entry: await entryFor(models, query) };
  return { kind: 'not-found', query };
}

/** The name the studio shows for a model folder: its listed name, else the folder's own name. */
export async function displayNameFor(dir: string, options: ListModelsOptions): Promise<string> {
  const entry = await entryFor(await listModels({ ...options, includeHfCache: options.includeHfCache ?? true }), dir);
  return entry?.name ?? path.basename(path.resolve(dir));
}
