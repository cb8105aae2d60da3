/**
 * The engine's thread: owns every onnxruntime session, the model loading and the pipeline, so a run
 * (synchronous inside onnxruntime-node) never blocks the main thread. Driven by protocol.ts messages
 * from EngineHost; one job at a time; a cancel stops the job within one token or one step.
 * Every WebGPU session of the process lives here, provider probes included (two threads creating
 * WebGPU sessions at once crash Dawn: ../shared/SETUP-NOTES.md), and so does the text check's reader.
 *
 * Text checks (idle-tasks.ts) run between jobs: a generated image whose prompt quotes text is handed
 * back at once with a check id, and its check follows as a 'checked' message once no job runs; a job
 * that arrives meanwhile preempts it. Best of N by text checks inside the job instead (the engine
 * needs every candidate's check to choose).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { extractGlyphTexts, GlimmerError, hasCheckableText, type TextCheck, toErrorShape } from '../../contract';
import { decodeForOcr } from '../ocr';
import { Engine, type EngineSettings } from '../pipeline/engine';
import { detectProviders } from '../providers';
import { onnxruntimeVersion } from '../session';
import { IdleTasks } from './idle-tasks';
import type { CheckImage, FromWorker, HostCalls, HostImage, HostStatus, ToWorker, WorkerInit } from './protocol';

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
const checks = new IdleTasks<TextCheck>();
let ownChecks = 0;
/**
 * Pixels kept for checks that wait (checks run only while no job runs, so a long queue of jobs piles
 * them up). Past this, an image is handed back without a check (the studio can check it later).
 */
const MAX_WAITING_CHECK_BYTES = init.maxWaitingCheckBytes ?? 512 * 2 ** 20;
let waitingCheckBytes = 0;

/** A view that spans its whole buffer can be transferred (not copied) to the main thread. */
function ownsBuffer(a: Uint8Array): boolean {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer;
}

/** Queue a text check; its result goes back as a 'checked' message. */
function queueCheck(checkId: string, image: CheckImage, texts: string[]): void {
  const bytes = 'bytes' in image ? image.bytes.byteLength : image.pixels.rgb.byteLength;
  if (waitingCheckBytes + bytes > MAX_WAITING_CHECK_BYTES) {
    const error = new GlimmerError('unavailable', 'Too many images are waiting for their text check; this one was not checked. Check it from the gallery once the queue is idle.');
    post({ type: 'checked', checkId, ok: false, error: toErrorShape(error) });
    return;
  }
  waitingCheckBytes += bytes;
  checks.add({
    id: checkId,
    run: async (signal) => {
      const pixels = 'bytes' in image ? await decodeForOcr(image.bytes, image.name ? `The image ${image.name}` : 'The image') : image.pixels;
      return engine.checkText(pixels, texts, signal);
    },
    settle: (outcome) => {
      waitingCheckBytes -= bytes;
      post(outcome.ok ? { type: 'checked', checkId, ok: true, check: outcome.value } : { type: 'checked', checkId, ok: false, error: toErrorShape(outcome.error) });
    },
  });
}

async function generate(msg: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  checks.jobStarted();
  const controller = new AbortController();
  running.set(msg.jobId, controller);
  settings = msg.settings;
  const texts = extractGlyphTexts(msg.request.prompt);
  const checkEach = msg.checkText && !msg.request.bestByText && texts.some(hasCheckableText);
  try {
    await engine.generate(msg.request, {
      inputs: msg.inputs,
      signal: controller.signal,
      streamer: { put: (event) => post({ type: 'progress', jobId: msg.jobId, event }), end: () => undefined },
      onImageStart: (index) => {
        post({ type: 'imageStart', jobId: msg.jobId, index });
        if (index === 0) void track(report());
      },
      onImage: (img, index) => {
        const image: HostImage = {
          pixels: { rgb: img.pixels.rgb, width: img.pixels.width, height: img.pixels.height },
          recipe: img.recipe,
          arTokens: img.arTokens,
          timings: img.timings,
          references: img.references.map((r) => ({ bytes: new Uint8Array(r.bytes), role: r.role })),
          ...(img.textCheck ? { textCheck: img.textCheck } : {}),
        };
        // the pixels go to the main thread (transferred); the check reads its own copy later, and its
        // answer always comes after the image (the host waits for it from the image message on)
        const checkId = checkEach ? `w${++ownChecks}` : null;
        const copy = checkEach ? { rgb: img.pixels.rgb.slice(), width: img.pixels.width, height: img.pixels.height } : null;
        post({ type: 'image', jobId: msg.jobId, index, image, checkId }, ownsBuffer(image.pixels.rgb) ? [image.pixels.rgb.buffer as ArrayBuffer] : []);
        if (checkId && copy) queueCheck(checkId, { pixels: copy }, texts);
      },
    });
    post({ type: 'done', jobId: msg.jobId });
  } catch (err) {
    post({ type: 'failed', jobId: msg.jobId, error: toErrorShape(err) });
  } finally {
    running.delete(msg.jobId);
    checks.jobEnded();
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
      // a text check in progress stops first (and runs again later on a fresh reader)
      checks.jobStarted();
      try {
        await engine.unload();
      } finally {
        checks.jobEnded();
      }
      await report();
      return null as HostCalls[C]['result'];
  }
  throw new Error(`unknown engine call ${String(name)}`);
}

/**
 * Work in flight on this thread (jobs, calls, status reports): 'stop' waits for all of it, so no model
 * run (nor a provider probe's session) is in progress when the host terminates the thread.
 */
const inFlight = new Set<Promise<unknown>>();
function track<T>(work: Promise<T>): Promise<T> {
  inFlight.add(work);
  const forget = () => inFlight.delete(work);
  work.then(forget, forget);
  return work;
}
let stopping = false;

async function stop(): Promise<void> {
  stopping = true;
  for (const controller of running.values()) controller.abort();
  await checks.close();
  // a job ends within one step or token of its cancel; what it reports on its way out is awaited too
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  await engine.unload().catch((err: unknown) => post({ type: 'log', message: `[engine] freeing the sessions before the thread stops failed: ${String(err)}` }));
  post({ type: 'stopped' });
}

port.on('message', (msg: ToWorker) => {
  if (stopping) {
    // the thread is on its way out: nothing new starts (the host no longer sends here; this covers a race)
    const error = toErrorShape(new GlimmerError('unavailable', 'The engine is stopping.'));
    if (msg.type === 'generate') post({ type: 'failed', jobId: msg.jobId, error });
    else if (msg.type === 'checkText') post({ type: 'checked', checkId: msg.checkId, ok: false, error });
    else if (msg.type === 'call') post({ type: 'reply', callId: msg.callId, ok: false, error });
    return;
  }
  switch (msg.type) {
    case 'generate':
      void track(generate(msg));
      break;
    case 'cancel':
      running.get(msg.jobId)?.abort();
      break;
    case 'checkText':
      // a job's settings stay until it ends; between jobs the check runs with the settings it came with
      if (running.size === 0) settings = msg.settings;
      queueCheck(msg.checkId, msg.image, msg.texts);
      break;
    case 'cancelCheck':
      checks.cancel(msg.checkId);
      break;
    case 'call':
      track(answer(msg.name, msg.args)).then(
        (value) => post({ type: 'reply', callId: msg.callId, ok: true, value }),
        (err: unknown) => post({ type: 'reply', callId: msg.callId, ok: false, error: toErrorShape(err) }),
      );
      break;
    case 'stop':
      void stop();
      break;
  }
});
