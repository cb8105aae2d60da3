/**
 * The output folder of a compile holds what compile writes and nothing else, so a mistyped or
 * reused `--out` can never cost a user their files: the folder must be new (its parent existing),
 * empty, or a compiled model of ours (our marker, or a manifest of our format from before the
 * marker); and a module folder is replaced only when it carries our module record.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from './atomic-write';
import { NativeModelError } from './errors';
import { MANIFEST_FILE, MANIFEST_FORMAT } from './manifest';

/** Written into a folder when a compile claims it. */
export const OUTPUT_MARKER = '.glimmer-compiled';
/** Written into each module folder a compile builds (module, precision, checkpoint, files). */
export const MODULE_RECORD = '.module.json';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isOurs(dir: string): boolean {
  if (existsSync(path.join(dir, OUTPUT_MARKER))) return true;
  const manifest = readJson(path.join(dir, MANIFEST_FILE)) as { format?: unknown } | undefined;
  return manifest?.format === MANIFEST_FORMAT;
}

/** Makes outDir ours to write: creates it (not its parents), or checks an existing one; then marks it. */
export async function claimOutputFolder(outDir: string): Promise<void> {
  const dir = path.resolve(outDir);
  if (!existsSync(dir)) {
    if (!existsSync(path.dirname(dir)) || !statSync(path.dirname(dir)).isDirectory()) {
      throw new NativeModelError('bad_request', `The folder ${path.dirname(dir)} does not exist. Create it first, or choose another output folder.`, { file: dir });
    }
    mkdirSync(dir);
  } else {
    if (!statSync(dir).isDirectory()) {
      throw new NativeModelError('bad_request', `${dir} is a file, not a folder. Choose an empty or new output folder.`, { file: dir });
    }
    if (readdirSync(dir).length > 0 && !isOurs(dir)) {
      throw new NativeModelError(
        'bad_request',
        `${dir} is not empty and is not a model compiled by Glimmer Studio; nothing in it was changed. Choose an empty or new output folder.`,
        { file: dir },
      );
    }
  }
  if (!existsSync(path.join(dir, OUTPUT_MARKER))) {
    await writeJsonAtomic(path.join(dir, OUTPUT_MARKER), { format: MANIFEST_FORMAT });
  }
}

/** Throws unless `moduleDir` is absent or a module folder a compile wrote (it carries our record for `module`). */
export function checkReplaceable(moduleDir: string, module: string): void {
  if (!existsSync(moduleDir)) return;
  const record = readJson(path.join(moduleDir, MODULE_RECORD)) as { module?: unknown } | undefined;
  if (!statSync(moduleDir).isDirectory() || record?.module !== module) {
    throw new NativeModelError(
      'bad_request',
      `${moduleDir} was not written by a Glimmer compile; it was left as it is. Move it out of the model folder and compile again.`,
      { file: moduleDir },
    );
  }
}
