/**
 * The engine's thread: owns every onnxruntime session, the model loading and the pipeline, so a run
 * (synchronous inside onnxruntime-node) never blocks the main thread. Driven by protocol.ts messages
 * from EngineHost; one job at a time; a cancel stops the job within one token or one step.
 * Every WebGPU session of the process lives here, provider probes included (two threads creating
 * WebGPU sessions at once crash Dawn: ../shared/SETUP-NOTES.md).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { toErrorShape } from '../../contract';
import { Engine, type EngineSettings } from '../pipeline/engine';
import { detectProviders } from '../providers';
import { onnxruntimeVersion } from '../session';
import type { FromWorker, HostCalls, HostImage, HostStatus, ToWorker, WorkerInit } from './protocol';

const port = parentPort as MessagePort;
const init = workerData as WorkerInit;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

let settings: EngineSettings | null = null;
const engine = new Engine({
  app: init.app,
  compileCacheDir: init.compileCacheDir,
  settings: () => {
    if (!settings) throw new Error('the engine was asked to work before it was given settings');
    return settings;
  },
  log: (message) => post({ type: 'log', message }),
});
const running = new Map<string, AbortController>();

/** A view that spans its whole buffer can be transferred (not copied) to the main thread. */
function ownsBuffer(a: Uint8Array): boolean {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer;
}

async function generate(msg: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  const controller = new AbortController();
  running.set(msg.jobId, controller);
  settings = msg.settings;
  try {
    await engine.generate(msg.request, {
      inputs: msg.inputs,
      signal: controller.signal,
      streamer: { put: (event) => post({ type: 'progress', jobId: msg.jobId, event }), end: () => undefined },
      onImageStart: (index) => {
        post({ type: 'imageStart', jobId: msg.jobId, index });
        if (index === 0) void report();
      },
      onImage: (img, index) => {
        const image: HostImage = {
          pixels: { rgb: img.pixels.rgb, width: img.pixels.width, height: img.pixels.height },
          recipe: img.recipe,
          arTokens: img.arTokens,
          timings: img.timings,
          references: img.references.map((r) => ({ bytes: new Uint8Array(r.bytes), role: r.role })),
        };
        post({ type: 'image', jobId: msg.jobId, index, image }, ownsBuffer(image.pixels.rgb) ? [image.pixels.rgb.buffer as ArrayBuffer] : []);
      },
    });
    post({ type: 'done', jobId: msg.jobId });
  } catch (err) {
    post({ type: 'failed', jobId: msg.jobId, error: toErrorShape(err) });
  } finally {
    running.delete(msg.jobId);
    await report();
  }
}

function currentStatus(): HostStatus {
  const c = engine.current;
  return {
    loaded: c ? { modelDir: c.model.dir, modelId: c.model.id, precision: c.model.precision, provider: c.provider, profile: c.profile } : null,
    problem: engine.problem,
  };
}

/** Tells the host the engine's state and the provider of these settings, so it can answer without asking. */
async function report(): Promise<void> {
  post({ type: 'status', status: currentStatus() });
  if (settings) {
    const p = await engine.provider().catch(() => null);
    if (p) post({ type: 'provider', setting: settings.provider, ...p });
  }
}

async function answer<C extends keyof HostCalls>(name: C, args: HostCalls[C]['args']): Promise<HostCalls[C]['result']> {
  switch (name) {
    case 'status':
      return currentStatus() as HostCalls[C]['result'];
    case 'provider':
      settings = (args as HostCalls['provider']['args']).settings;
      return (await engine.provider()) as HostCalls[C]['result'];
    case 'runtime':
      return { version: onnxruntimeVersion, ...(await detectProviders((args as HostCalls['runtime']['args']).refresh)) } as HostCalls[C]['result'];
    case 'release':
      await engine.unload();
      await report();
      return null as HostCalls[C]['result'];
  }
  throw new Error(`unknown engine call ${String(name)}`);
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'generate':
      void generate(msg);
      break;
    case 'cancel':
      running.get(msg.jobId)?.abort();
      break;
    case 'call':
      answer(msg.name, msg.args).then(
        (value) => post({ type: 'reply', callId: msg.callId, ok: true, value }),
        (err: unknown) => post({ type: 'reply', callId: msg.callId, ok: false, error: toErrorShape(err) }),
      );
      break;
  }
});
