/**
 * The manifest of a compiled model folder (manifest.json, written last by compile.ts): which
 * modules it holds, at which precision, from which checkpoint, and every file with its size and
 * sha256. The engine refuses a folder whose manifest is missing or whose files do not match it,
 * naming the file and how to repair it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GlimmerError } from '../main/api/errors';

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
    throw new GlimmerError('model_missing', `${file} is missing: ${modelDir} is not a compiled model (or its compile did not finish). ${REPAIR}`, {
      file,
    });
  }
  let m: ModelManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as ModelManifest;
  } catch (e) {
    throw new GlimmerError('model_corrupt', `${file} is damaged (${(e as Error).message}). ${REPAIR}`, { file });
  }
  if (m?.format !== MANIFEST_FORMAT || typeof m.modules !== 'object' || !m.modules) {
    throw new GlimmerError('model_corrupt', `${file} is not a Glimmer model manifest. ${REPAIR}`, { file });
  }
  if (m.version > MANIFEST_VERSION) {
    throw new GlimmerError('model_corrupt', `${file} was written by a newer Glimmer Studio (format ${m.version}). Update the app or ${REPAIR}`, {
      file,
    });
  }
  return m;
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
        throw new GlimmerError('model_missing', `The model file ${file} (${name}) is missing. ${REPAIR}`, { file, module: name });
      }
      const size = statSync(file).size;
      if (size !== f.bytes) {
        throw new GlimmerError('model_corrupt', `The model file ${file} (${name}) has ${size} bytes, not the ${f.bytes} recorded; it is damaged. ${REPAIR}`, {
          file,
          module: name,
        });
      }
      if (opts.hashes && (await sha256File(file)) !== f.sha256) {
        throw new GlimmerError('model_corrupt', `The model file ${file} (${name}) does not match its recorded sha256; it is damaged. ${REPAIR}`, {
          file,
          module: name,
        });
      }
    }
  }
}

export async function writeManifest(modelDir: string, manifest: ModelManifest): Promise<string> {
  const file = path.join(modelDir, MANIFEST_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(manifest, null, 1));
  await rename(tmp, file);
  return file;
}
