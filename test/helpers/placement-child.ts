/**
 * Child process of node-placement.ts: creates a session for each model given on the command line,
 * with the app's session options for the provider and onnxruntime's verbose log on, so the parent
 * can read from this process's stderr where every node was placed. Prints "done <model>" on stdout
 * after each.
 */
import * as ort from 'onnxruntime-node';
import type { ProviderName } from '../../main/contract';
import { ortSessionOptions } from '../../main/engine/session';

const [provider, ...models] = process.argv.slice(2);
for (const model of models) {
  process.stderr.write(`@@model ${model}\n`);
  const session = await ort.InferenceSession.create(model, { ...ortSessionOptions({ provider: provider as ProviderName }), logSeverityLevel: 0 });
  await session.release();
  process.stdout.write(`done ${model}\n`);
}
