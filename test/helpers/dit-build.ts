/**
 * Compile the fixture checkpoint's transformer/ to ONNX in a temp folder and load it: the real
 * import path (safetensors → native-models/dit → .onnx → onnxruntime-node, CPU unless a provider is
 * given) used by the DiT tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDit, type DitModelDescription } from '../../native-models/dit';
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

export async function buildFixtureDit(precision: WeightPrecision = 'fp32', provider: ProviderName = 'cpu'): Promise<BuiltDit> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `glimmer-dit-${precision}-`));
  try {
    const description = await buildDit(path.join(checkpointDir(), 'transformer'), dir, { precision });
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
