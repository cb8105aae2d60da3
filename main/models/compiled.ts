/**
 * What a compiled model folder (native-models/compile output) is worth: ready, stale (its manifest is of another
 * format version, or the checkpoint it came from changed: recompile, never a silent mix), incomplete (a compile
 * that did not finish, or files missing or cut: compile again to resume) or unknown (no sign of a compile).
 * The manifest rules themselves live in native-models/manifest.ts; this only classifies for the models list.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from '../contract';
import { MANIFEST_FILE, MODULE_RECORD, OUTPUT_MARKER, readManifest, verifyManifest, type ModelManifest } from '../../native-models';

export type CompiledStatus = 'ready' | 'stale' | 'incomplete' | 'unknown';

export interface CompiledDescription {
  status: CompiledStatus;
  detail: string;
  manifest: ModelManifest | null;
}

export async function describeCompiled(dir: string): Promise<CompiledDescription> {
  if (!existsSync(path.join(dir, MANIFEST_FILE))) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const started = names.some((n) => n === OUTPUT_MARKER || n.endsWith('.partial') || existsSync(path.join(dir, n, MODULE_RECORD)));
    return started
      ? { status: 'incomplete', detail: 'Compiling did not finish. Compile again to resume; finished modules are kept.', manifest: null }
      : { status: 'unknown', detail: `No ${MANIFEST_FILE} in ${dir}: not a compiled model. Compile a checkpoint into it.`, manifest: null };
  }
  let manifest: ModelManifest;
  try {
    manifest = readManifest(dir);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { status: errorCode(err) === 'model_corrupt' ? 'stale' : 'incomplete', detail: message, manifest: null };
  }
  try {
    await verifyManifest(dir, manifest);
  } catch (err) {
    return { status: 'incomplete', detail: err instanceof Error ? err.message : String(err), manifest };
  }
  return { status: 'ready', detail: `Compiled ${manifest.precisionLabel} from ${manifest.source.checkpoint}.`, manifest };
}
