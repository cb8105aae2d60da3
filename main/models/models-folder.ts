/**
 * The app's models folder and what is in it:
 *   <modelsDir>/checkpoints/<name>/   checkpoints downloaded or imported by copy (HF layout)
 *   <modelsDir>/references.json       checkpoints used in place (an imported folder elsewhere on disk)
 *   <modelsDir>/compiled/<name>/      compiled ONNX models (native-models/compile), each with a manifest.json
 * plus GLM-Image snapshots found in the Hugging Face cache (used in place). Listing reports size, precision and a
 * status for each; import validates a folder first, then records it (in place) or copies the files the app needs.
 */
import { chmod, copyFile, mkdir, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../../native-models/atomic-write';
import { GlimmerError } from '../contract';
import { ensureFreeSpace, type FreeSpaceFn } from './disk-space';
import { describeCompiled } from './compiled';
import { checkpointFolderName } from './download';
import { readDownloadRecord } from './download-record';
import { findInHfCache } from './hf-cache';
import { isNeededRepoFile } from './layout';
import { reportMessage, validateCheckpoint, type ValidationProblem, type ValidationReport } from './validate';

export type ModelKind = 'checkpoint' | 'compiled';
export type ModelSource = 'download' | 'import' | 'reference' | 'hf-cache' | 'compiled';
/**
 * ready: usable. partial: a download that has not finished (resume it). incomplete: files missing or damaged.
 * missing: a folder that is not there at all ("not found"). stale: a compiled model whose checkpoint changed or
 * whose manifest is of another format (compile again). unknown: a compiled folder without any sign of a compile.
 * compiling: a compile is writing into this folder right now (its progress is the compile job's).
 */
export type ModelStatus = 'ready' | 'partial' | 'incomplete' | 'missing' | 'stale' | 'unknown' | 'compiling';

export interface ModelEntry {
  id: string;
  kind: ModelKind;
  /** The one name shown everywhere: the name given at import, the folder's, or (compiled) its checkpoint's. */
  name: string;
  path: string;
  source: ModelSource;
  sizeBytes: number;
  precision: string | null;
  status: ModelStatus;
  /** One sentence for the user. */
  detail: string;
  repo: string | null;
  revision: string | null;
  problems: ValidationProblem[];
}

export const CHECKPOINTS_DIR = 'checkpoints';
export const COMPILED_DIR = 'compiled';
export const REFERENCES_FILE = 'references.json';
/** In a checkpoint folder the app copied: the name it was imported under ({ name }). */
export const NAME_FILE = '.glimmer-model.json';

export interface Reference {
  id: string;
  name: string;
  path: string;
  addedAt: string;
}

async function readReferences(modelsDir: string): Promise<Reference[]> {
  try {
    const parsed = JSON.parse(await readFile(path.join(modelsDir, REFERENCES_FILE), 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as Reference[]) : [];
  } catch {
    return [];
  }
}

async function writeReferences(modelsDir: string, refs: Reference[]): Promise<void> {
  await mkdir(modelsDir, { recursive: true });
  await writeJsonAtomic(path.join(modelsDir, REFERENCES_FILE), refs);
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) total += await folderSize(full);
    else total += (await stat(full).catch(() => null))?.size ?? 0;
  }
  return total;
}

async function makeTreeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755).catch(() => undefined);
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory()) await makeTreeWritable(path.join(dir, e.name));
  }
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

function checkpointEntry(
  base: Pick<ModelEntry, 'id' | 'name' | 'path' | 'source' | 'repo' | 'revision'>,
  report: ValidationReport,
  partial: boolean,
): ModelEntry {
  let status: ModelStatus = report.ok ? 'ready' : report.found ? 'incomplete' : 'missing';
  let detail = report.summary;
  if (partial) {
    status = 'partial';
    detail = 'The download has not finished. Resume it to complete the model; finished files are kept.';
  }
  return {
    ...base,
    kind: 'checkpoint',
    sizeBytes: report.totalBytes,
    precision: report.precision,
    status,
    detail,
    problems: report.problems,
  };
}

async function storedName(dir: string): Promise<string | null> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, NAME_FILE), 'utf8')) as { name?: unknown };
    return typeof parsed.name === 'string' && parsed.name.trim() ? parsed.name.trim().slice(0, 100) : null;
  } catch {
    return null;
  }
}

/**
 * A compiled folder: named after the checkpoint it was compiled from when that checkpoint is listed
 * (so the model keeps the name it was imported under), else the name in its manifest; the precision
 * is its own field, never part of the name. While `busy`, it is 'compiling'.
 */
async function compiledEntry(dir: string, folder: string, checkpoints: (ModelEntry & { realPath?: string })[], busy: boolean): Promise<ModelEntry> {
  const d = await describeCompiled(dir);
  const source = d.manifest?.source.checkpoint;
  const real = source ? await realpath(source).catch(() => path.resolve(source)) : null;
  const from = real ? checkpoints.find((c) => c.realPath === real) : undefined;
  return {
    id: `compiled:${folder}`,
    kind: 'compiled',
    name: from?.name ?? d.manifest?.name ?? folder,
    path: dir,
    source: 'compiled',
    sizeBytes: await folderSize(dir),
    precision: d.manifest?.precision ?? null,
    status: busy ? 'compiling' : d.status,
    detail: busy ? 'Compiling now; the compile shows how far it is.' : d.detail,
    repo: null,
    revision: null,
    problems: [],
  };
}

export interface ListModelsOptions {
  modelsDir: string;
  /** Also list GLM-Image snapshots in the Hugging Face cache (default true). */
  includeHfCache?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Folders a running compile writes into: listed as 'compiling'. */
  busy?: (dir: string) => boolean;
}

/** Everything the app can use or resume, checkpoints first (ready before others), then compiled models. */
export async function listModels(options: ListModelsOptions): Promise<ModelEntry[]> {
  const modelsDir = path.resolve(options.modelsDir);
  const out: (ModelEntry & { realPath?: string })[] = [];
  const seen = new Set<string>();
  const remember = async (p: string) => {
    const real = await realpath(p).catch(() => p);
    seen.add(real);
    return real;
  };

  const ckDir = path.join(modelsDir, CHECKPOINTS_DIR);
  for (const name of (await subfolders(ckDir)).filter((n) => !n.endsWith('.importing'))) {
    const dir = path.join(ckDir, name);
    const realPath = await remember(dir);
    const record = await readDownloadRecord(dir);
    const report = await validateCheckpoint(dir);
    out.push({
      realPath,
      ...checkpointEntry(
        {
          id: `checkpoint:${name}`,
          name: (await storedName(dir)) ?? name,
          path: dir,
          source: record ? 'download' : 'import',
          repo: record?.repo ?? null,
          // The revision asked for (not the commit): models.download.start with repo + revision resumes this folder.
          revision: record?.revision ?? null,
        },
        report,
        !!record && record.completedAt === null,
      ),
    });
  }

  for (const ref of await readReferences(modelsDir)) {
    const realPath = await remember(ref.path);
    const exists = await stat(ref.path).catch(() => null);
    if (!exists) {
      out.push({
        realPath,
        id: ref.id,
        kind: 'checkpoint',
        name: ref.name,
        path: ref.path,
        source: 'reference',
        sizeBytes: 0,
        precision: null,
        status: 'missing',
        detail: `Not found: the folder ${ref.path} is gone (moved, deleted or on a disk that is not connected). Remove it or import it again.`,
        repo: null,
        revision: null,
        problems: [],
      });
      continue;
    }
    out.push({
      realPath,
      ...checkpointEntry(
        { id: ref.id, name: ref.name, path: ref.path, source: 'reference', repo: null, revision: null },
        await validateCheckpoint(ref.path),
        false,
      ),
    });
  }

  if (options.includeHfCache !== false) {
    for (const c of await findInHfCache(options.env ? { env: options.env } : {})) {
      const real = await realpath(c.dir).catch(() => c.dir);
      if (seen.has(real)) continue;
      seen.add(real);
      out.push({
        realPath: real,
        ...checkpointEntry(
          {
            id: `hf-cache:${c.revision}`,
            // the source says "HF cache"; the revision is its own field
            name: c.repo,
            path: c.dir,
            source: 'hf-cache',
            repo: c.repo,
            revision: c.revision,
          },
          c.report,
          false,
        ),
      });
    }
  }

  const rank = (e: ModelEntry) => (e.kind === 'checkpoint' ? 0 : 2) + (e.status === 'ready' ? 0 : 1);
  const sorted = out.sort((a, b) => rank(a) - rank(b));

  const compiled: ModelEntry[] = [];
  for (const name of await subfolders(path.join(modelsDir, COMPILED_DIR))) {
    const dir = path.join(modelsDir, COMPILED_DIR, name);
    compiled.push(await compiledEntry(dir, name, sorted, options.busy?.(dir) ?? false));
  }
  return [...sorted, ...compiled].map(({ realPath: _real, ...entry }: ModelEntry & { realPath?: string }) => entry);
}

export interface ImportProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  bytes: number;
  total: number;
}

export interface ImportOptions {
  modelsDir: string;
  /** 'reference' uses the folder where it is (no copy); 'copy' copies the files the app needs into the models folder. */
  mode?: 'reference' | 'copy';
  name?: string;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  freeSpace?: FreeSpaceFn;
  reserveBytes?: number;
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._@-]+/g, '_').replace(/^[._]+/, '') || 'checkpoint';
}

async function listFilesRel(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    const st = await stat(path.join(root, r)).catch(() => null); // follows symlinks (HF cache snapshots)
    if (st?.isDirectory()) out.push(...(await listFilesRel(root, r)));
    else if (st?.isFile()) out.push(r);
  }
  return out;
}

/** Validates a folder in the GLM-Image layout and adds it to the models folder (in place or by copy). */
export async function importCheckpoint(source: string, options: ImportOptions): Promise<ModelEntry> {
  const src = path.resolve(source);
  const modelsDir = path.resolve(options.modelsDir);
  const report = await validateCheckpoint(src);
  if (!report.ok) {
    const code = !report.found ? 'not_found' : report.problems.some((p) => p.kind === 'missing') ? 'model_missing' : 'model_corrupt';
    throw new GlimmerError(code, reportMessage(report), { report });
  }
  // the name shown everywhere is the one given (or the folder's); only folder names are made safe
  const displayName = (options.name ?? path.basename(src)).trim().slice(0, 100) || 'GLM-Image';
  const name = slug(displayName);
  if ((options.mode ?? 'reference') === 'reference') {
    const refs = await readReferences(modelsDir);
    const real = await realpath(src);
    const existing = refs.find((r) => r.path === real);
    const ref: Reference = existing
      ? { ...existing, name: options.name ? displayName : existing.name }
      : { id: `ref:${name}-${Date.now().toString(36)}`, name: displayName, path: real, addedAt: new Date().toISOString() };
    if (!existing || existing.name !== ref.name) await writeReferences(modelsDir, [...refs.filter((r) => r.id !== ref.id), ref]);
    return checkpointEntry({ id: ref.id, name: ref.name, path: real, source: 'reference', repo: null, revision: null }, report, false);
  }

  let dest = path.join(modelsDir, CHECKPOINTS_DIR, name);
  for (let i = 2; await stat(dest).catch(() => null); i++) dest = path.join(modelsDir, CHECKPOINTS_DIR, `${name}-${i}`);
  const files = (await listFilesRel(src)).filter(isNeededRepoFile).sort();
  const sizes = await Promise.all(files.map(async (f) => (await stat(path.join(src, f))).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  await ensureFreeSpace(path.dirname(dest), total, {
    ...(options.freeSpace ? { freeSpace: options.freeSpace } : {}),
    ...(options.reserveBytes !== undefined ? { reserveBytes: options.reserveBytes } : {}),
    what: `a copy of ${src}`,
  });
  const staging = `${dest}.importing`;
  await rm(staging, { recursive: true, force: true });
  let bytes = 0;
  try {
    for (const [i, f] of files.entries()) {
      if (options.signal?.aborted) throw new GlimmerError('cancelled', 'The import was stopped; nothing was added.');
      const to = path.join(staging, ...f.split('/'));
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(path.join(src, f), to);
      bytes += sizes[i]!;
      options.onProgress?.({ file: f, fileIndex: i, fileCount: files.length, bytes, total });
    }
    const copied = await validateCheckpoint(staging);
    if (!copied.ok) throw new GlimmerError('model_corrupt', `The copy did not validate: ${reportMessage(copied)}`, { report: copied });
    await writeJsonAtomic(path.join(staging, NAME_FILE), { name: displayName });
    await rename(staging, dest);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  const final = await validateCheckpoint(dest);
  return checkpointEntry(
    { id: `checkpoint:${path.basename(dest)}`, name: displayName, path: dest, source: 'import', repo: null, revision: null },
    final,
    false,
  );
}

/** Removes a reference (never the referenced files). Returns false when no such reference exists. */
async function removeReference(modelsDir: string, id: string): Promise<Reference | null> {
  const refs = await readReferences(modelsDir);
  const gone = refs.find((r) => r.id === id);
  if (!gone) return null;
  await writeReferences(modelsDir, refs.filter((r) => r.id !== id));
  return gone;
}

export interface RemovedModel {
  /** reference: only forgotten (files untouched); files: the folder was deleted from the models folder. */
  removed: 'reference' | 'files';
  path: string;
  freedBytes: number;
}

/**
 * Removes a model by its list id: a reference is forgotten (its folder stays), a checkpoint or compiled model in
 * the models folder is deleted. Snapshots in the Hugging Face cache belong to that cache and are left alone.
 * `busy` names folders a running download or compile uses; those are refused.
 */
export async function removeModel(modelsDirIn: string, id: string, busy: (dir: string) => boolean = () => false): Promise<RemovedModel> {
  const modelsDir = path.resolve(modelsDirIn);
  const [kind, ...restParts] = id.split(':');
  const name = restParts.join(':');
  if (kind === 'ref') {
    const ref = await removeReference(modelsDir, id);
    if (!ref) throw new GlimmerError('not_found', `No model with id ${id}. Refresh the models list.`);
    return { removed: 'reference', path: ref.path, freedBytes: 0 };
  }
  if (kind === 'hf-cache') {
    throw new GlimmerError(
      'forbidden',
      'This checkpoint lives in the Hugging Face cache, which other programs share; Glimmer does not delete it. ' +
        'Remove it with `hf cache delete` (huggingface_hub) if you no longer need it.',
    );
  }
  const parent = kind === 'checkpoint' ? CHECKPOINTS_DIR : kind === 'compiled' ? COMPILED_DIR : null;
  if (!parent || !name || name !== path.basename(name) || name === '.' || name === '..') {
    throw new GlimmerError('not_found', `No model with id ${id}. Refresh the models list.`);
  }
  const dir = path.join(modelsDir, parent, name);
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    throw new GlimmerError('not_found', `No model with id ${id} (${dir} is gone). Refresh the models list.`);
  }
  if (busy(dir)) {
    throw new GlimmerError('conflict', `${name} is being downloaded or compiled. Pause or cancel that first, then remove it.`);
  }
  const freedBytes = await folderSize(dir);
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EACCES' && (err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    // Read-only folders (copied from a read-only source) inside our own models folder: make them writable, retry.
    await makeTreeWritable(dir);
    await rm(dir, { recursive: true, force: true });
  }
  return { removed: 'files', path: dir, freedBytes };
}

/** Where a download of `repo@revision` goes inside the models folder. */
export function downloadFolder(modelsDir: string, repo: string, revision = 'main'): string {
  return path.join(path.resolve(modelsDir), CHECKPOINTS_DIR, checkpointFolderName(repo, revision));
}
