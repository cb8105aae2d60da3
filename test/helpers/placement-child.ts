/**
 * Child process of placement.ts: creates a session for each model given on the command line, with
 * the app's session options for the provider and onnxruntime's verbose log on, so the parent can
 * read from this process's stderr where every node was placed, and with the optimized graph written
 * to <outDir>/model<k>.onnx (the nodes as placed, onnxruntime's own ones included). Each session's
 * log lines carry its log id `model<k>` (k: the model's place in the list). Prints "done <k>" on
 * stdout after each.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ProviderName } from '../../main/contract';
import { ortSessionOptions } from '../../main/engine/session';

const [provider, outDir, ...models] = process.argv.slice(2);
for (const [k, model] of models.entries()) {
  const session = await ort.InferenceSession.create(model!, {
    ...ortSessionOptions({ provider: provider as ProviderName }),
    logSeverityLevel: 0,
    logId: `model${k}`,
    optimizedModelFilePath: path.join(outDir!, `model${k}.onnx`),
  });
  await session.release();
  process.stdout.write(`done ${k}\n`);
}
