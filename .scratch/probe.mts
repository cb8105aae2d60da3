import * as ort from 'onnxruntime-node';
import { probeModelBytes } from '/work/wt-layers/main/engine/probe-model.ts';
(ort.env as any).logLevel = 'verbose';
const s = await ort.InferenceSession.create(probeModelBytes(), { executionProviders: ['webgpu'], logSeverityLevel: 0, logVerbosityLevel: 1 } as any);
console.log('ok', Object.keys((ort.env as any).webgpu ?? {}), (ort.env as any).webgpu?.adapter);
const r = await s.run({ x: new ort.Tensor('float32', new Float32Array([1, 2]), [2]) });
console.log(r);
