/**
 * Compile the fixture checkpoint's transformer/ to ONNX in a temp folder and load it: the real
 * import path (safetensors → native-models/dit → .onnx → onnxruntime-node) used by the DiT tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDit, type DitBuildOptions, type DitModelDescription } from '../../native-models/dit';
import type { WeightPrecision } from '../../native-models/onnx';
import type { ProviderName } from '../../main/contract';
import { DitModel } from '../../main/engine/dit';
import { checkpointDir } from './fixtures';

export interface BuiltDit {
  model: DitModel;
  description: DitModelDescription;
  dir: string;
  dispose(): Promise<void>;
}

/** Build options beside the weight precision (compute precision, attention form, islands), and the provider to load on (default cpu). */
export interface FixtureDitOptions extends Omit<DitBuildOptions, 'precision'> {
  provider?: ProviderName;
}

export async function buildFixtureDit(precision: WeightPrecision = 'fp32', opts: FixtureDitOptions = {}): Promise<BuiltDit> {
  const { provider = 'cpu', ...build } = opts;
  const dir = mkdtempSync(path.join(os.tmpdir(), `glimmer-dit-${precision}-`));
  try {
    const description = await buildDit(path.join(checkpointDir(), 'transformer'), dir, { precision, ...build });
    const model = await DitModel.load(dir, { precision, provider });
    return {
      model,
      description,
      dir,
      async dispose() {
        await model.release();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
