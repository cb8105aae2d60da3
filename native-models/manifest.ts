/**
 * The manifest of a compiled model folder (manifest.json, written last by compile.ts): which
 * modules it holds, at which precision, from which checkpoint, and every file with its size and
 * sha256. The engine refuses a folder whose manifest is missing or whose files do not match it,
 * naming the file and how to repair it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { NativeModelError } from './errors';
import { writeJsonAtomic } from './atomic-write';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'glimmer-compiled-model';
export const MANIFEST_VERSION = 1;

export interface ManifestFile {
  /** Relative to the model folder, '/' separated. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface ManifestModule {
  /** Folder of the module inside the model folder. */
  dir: string;
  /** Weight precision of its large linears (fp32 for the VAE always). */
  precision: string;
  files: ManifestFile[];
}

export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  /** Stable id: 'glm-image-' + the first 12 hex digits of the hash over every file hash. */
  id: string;
  name: string;
  /** Preset name (fp32, fp16, int8, int4) and what it means per module. */
  precision: string;
  precisionLabel: string;
  createdAt: string;
  app: string;
  source: { checkpoint: string; fingerprint: string };
  /** Every file of the source checkpoint (size, sha256, mtime); filled in by writeManifest when absent. */
  sources?: SourceFile[];
  modules: Record<string, ManifestModule>;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(file);
    s.on('data', (chunk) => h.update(chunk));
    s.on('error', reject);
    s.on('end', () => resolve());
  });
  return h.digest('hex');
}

/** The model id from its files' hashes (order-independent). */
export function manifestId(modules: Record<string, ManifestModule>): string {
  const h = createHash('sha256');
  const all = Object.values(modules)
    .flatMap((m) => m.files.map((f) => `${f.path}:${f.sha256}`))
    .sort();
  for (const line of all) h.update(`${line}\n`);
  return `glm-image-${h.digest('hex').slice(0, 12)}`;
}

const REPAIR = 'Compile the model again (`glimmer compile --checkpoint DIR --out DIR`, or Models → Compile); finished modules are kept.';

export function readManifest(modelDir: string): ModelManifest {
  const file = path.join(modelDir, MANIFEST_FILE);
  if (!existsSync(file)) {
    throw new NativeModelError('model_missing', `${file} is missing: ${modelDir} is not a compiled model (or its compile did not finish). ${REPAIR}`, {
      file,
    });
  }
  let m: ModelManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as ModelManifest;
  } catch (e) {
    throw new NativeModelError('model_corrupt', `${file} is damaged (${(e as Error).message}). ${REPAIR}`, { file });
  }
  if (m?.format !== MANIFEST_FORMAT || typeof m.modules !== 'object' || !m.modules) {
    throw new NativeModelError('model_corrupt', `${file} is not a Glimmer model manifest. ${REPAIR}`, { file });
  }
  if (m.version !== MANIFEST_VERSION) {
    const who = m.version > MANIFEST_VERSION ? 'a newer' : 'an older';
    throw new NativeModelError(
      'model_corrupt',
      `${file} was written by ${who} Glimmer Studio (manifest format ${m.version}; this version reads format ${MANIFEST_VERSION}). ${m.version > MANIFEST_VERSION ? 'Update the app, or c' : 'C'}${REPAIR.slice(1)}`,
      { file, version: m.version },
    );
  }
  checkSourceSizes(file, m);
  return m;
}

/** One file of the checkpoint a model was compiled from (path relative to the checkpoint folder). */
export interface SourceFile {
  path: string;
  bytes: number;
  sha256: string;
  mtimeMs: number;
}

/** Every file under a checkpoint folder (hidden ones skipped), with size and sha256. */
export async function hashSources(checkpointDir: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const name of readdirSync(path.join(checkpointDir, rel)).sort()) {
      if (name.startsWith('.')) continue;
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(checkpointDir, r);
      const st = statSync(full);
      if (st.isDirectory()) await walk(r);
      else out.push({ path: r, bytes: st.size, sha256: await sha256File(full), mtimeMs: Math.floor(st.mtimeMs) });
    }
  };
  await walk('');
  return out;
}

function sourcesChanged(file: string, m: ModelManifest, what: string): NativeModelError {
  return new NativeModelError(
    'model_corrupt',
    `The checkpoint ${m.source.checkpoint} has changed since this model was compiled (${what}), so ${path.dirname(file)} no longer matches it. ${REPAIR}`,
    { file, checkpoint: m.source.checkpoint },
  );
}

/**
 * Cheap check at every open: when the source checkpoint is still there, each recorded source file
 * must exist with its recorded size. (A deleted checkpoint is fine: the compiled folder stands alone.)
 */
function checkSourceSizes(file: string, m: ModelManifest): void {
  const dir = m.source?.checkpoint;
  if (!m.sources || !dir || !existsSync(dir)) return;
  for (const s of m.sources) {
    const p = path.join(dir, s.path);
    if (!existsSync(p)) throw sourcesChanged(file, m, `${s.path} is gone`);
    const size = statSync(p).size;
    if (size !== s.bytes) throw sourcesChanged(file, m, `${s.path} has ${size} bytes, not ${s.bytes}`);
  }
}

/**
 * Full check of the source checkpoint against the manifest: sizes, and the sha256 of every file
 * whose modification time changed since compiling (all files with `hashes: 'all'`).
 */
export async function verifySources(modelDir: string, m: ModelManifest, opts: { hashes?: 'changed' | 'all' } = {}): Promise<void> {
  const file = path.join(modelDir, MANIFEST_FILE);
  checkSourceSizes(file, m);
  const dir = m.source?.checkpoint;
  if (!m.sources || !dir || !existsSync(dir)) return;
  for (const s of m.sources) {
    const p = path.join(dir, s.path);
    if (opts.hashes !== 'all' && Math.floor(statSync(p).mtimeMs) === s.mtimeMs) continue;
    if ((await sha256File(p)) !== s.sha256) throw sourcesChanged(file, m, `${s.path} has different contents`);
  }
}

/**
 * Checks every file of the manifest exists with its recorded size; with `hashes`, also its sha256
 * (slow for a real model). Throws model_missing / model_corrupt naming the first bad file.
 */
export async function verifyManifest(modelDir: string, manifest: ModelManifest, opts: { hashes?: boolean; modules?: string[] } = {}): Promise<void> {
  for (const [name, mod] of Object.entries(manifest.modules)) {
    if (opts.modules && !opts.modules.includes(name)) continue;
    for (const f of mod.files) {
      const file = path.join(modelDir, f.path);
      if (!existsSync(file)) {
        throw new NativeModelError('model_missing', `The model file ${file} (${name}) is missing. ${REPAIR}`, { file, module: name });
      }
      const size = statSync(file).size;
      if (size !== f.bytes) {
        throw new NativeModelError('model_corrupt', `The model file ${file} (${name}) has ${size} bytes, not the ${f.bytes} recorded; it is damaged. ${REPAIR}`, {
          file,
          module: name,
        });
      }
      if (opts.hashes && (await sha256File(file)) !== f.sha256) {
        throw new NativeModelError('model_corrupt', `The model file ${file} (${name}) does not match its recorded sha256; it is damaged. ${REPAIR}`, {
          file,
          module: name,
        });
      }
    }
  }
}

/**
 * Write manifest.json atomically (temp file + rename; compile writes it last). When `sources` is
 * absent and the source checkpoint exists, its files are hashed and recorded (on `manifest` too).
 */
export async function writeManifest(modelDir: string, manifest: ModelManifest): Promise<string> {
  const file = path.join(modelDir, MANIFEST_FILE);
  const dir = manifest.source?.checkpoint;
  if (!manifest.sources && dir && existsSync(dir) && statSync(dir).isDirectory()) manifest.sources = await hashSources(dir);
  await writeJsonAtomic(file, manifest);
  return file;
}
