/**
 * The engine in its own thread, seen from the main thread: EngineHost starts the worker (worker.ts)
 * on first use, sends it jobs and calls (protocol.ts), and turns its messages back into promises,
 * progress streamers and image callbacks. The main thread only routes: while a job runs it answers
 * API calls at once. A worker that dies (a crash, its heap exhausted, a restart asked for) fails
 * what it was doing with a clear error and is started again for the next job; the app never goes down.
 *
 * A worker is never terminated while onnxruntime runs a model on it: the run's completion would call
 * back into a JavaScript environment that is gone, and onnxruntime-node then aborts the whole process
 * (seen: "terminate called after throwing an instance of 'Napi::Error'"). Stopping one (restart,
 * dispose) asks it to stop first ('stop': its jobs cancelled and awaited, its sessions freed) and
 * terminates it after it says 'stopped'; a next job waits for that, so two engine threads never hold
 * models (or WebGPU devices) at once.
 */
import { Worker } from 'node:worker_threads';
import { type ErrorShape, type GenerateRequest, GlimmerError, type ProviderName, type SystemInfo, type TextCheck } from '../../contract';
import type { EngineSettings, JobInputs } from '../pipeline/engine';
import type { PipelineStreamer } from '../pipeline/progress';
import type { CheckImage, FromWorker, HostCallName, HostCalls, HostImage, HostStatus, ToWorker, WorkerInit } from './protocol';

export interface EngineHostOptions {
  app: string;
  /** Where checkpoints given as the model are compiled to. */
  compileCacheDir: string;
  /** The settings at this moment (sent with every job). */
  settings: () => EngineSettings;
  log?: (message: string) => void;
  /** The worker's entry (default: the bundled engine-worker.cjs beside this file, or worker-boot.mjs from the sources). */
  workerUrl?: URL;
  /** Most bytes of pixels the engine thread keeps for text checks that wait (default 512 MiB); past it an image goes unchecked. */
  maxWaitingCheckBytes?: number;
  /**
   * How long a stopping engine thread may take to finish the model run in progress (default 10 min:
   * one DiT step of the full model at 2048² on a CPU takes minutes). Past it the thread is terminated
   * anyway, which onnxruntime may answer by ending the process: only a run that hangs gets there.
   */
  stopGraceMs?: number;
}

export interface HostGenerateOptions {
  inputs?: JobInputs;
  signal?: AbortSignal;
  streamer?: PipelineStreamer;
  onImageStart?: (index: number) => void;
  /**
   * Each finished image; generate() resolves after the last of these has settled. `check` is the
   * image's text check when one follows (checkText and a prompt that quotes text): it runs on the
   * engine thread once no job runs, and the job does not wait for it.
   */
  onImage?: (image: HostImage, index: number, check: PendingTextCheck | null) => Promise<void> | void;
  /** Read the quoted text back from each image after it is handed over (default false). */
  checkText?: boolean;
}

/** A text check on its way: its result (or why there is none) and its own cancel. */
export interface PendingTextCheck {
  id: string;
  result: Promise<TextCheck>;
  cancel(): void;
}

interface PendingJob {
  opts: HostGenerateOptions;
  /** onImage callbacks in order, so the job ends after the last image is saved. */
  saved: Promise<void>;
  resolve(count: number): void;
  reject(err: unknown): void;
  images: number;
}

function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  return /\.[cm]?ts$/.test(new URL(here).pathname) ? new URL('./worker-boot.mjs', here) : new URL('./engine-worker.cjs', here);
}

function fromShape(shape: ErrorShape): GlimmerError {
  return new GlimmerError(shape.code, shape.message, shape.details);
}

export class EngineHost {
  private worker: Worker | null = null;
  /** A worker on its way out (restart): the next one starts once it has ended; messages wait in the outbox. */
  private retiring: Promise<void> | null = null;
  private outbox: ToWorker[] = [];
  private readonly jobs = new Map<string, PendingJob>();
  private readonly calls = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private readonly checks = new Map<string, { resolve(v: TextCheck): void; reject(e: unknown): void }>();
  private nextId = 1;
  private disposed = false;
  /** Times the worker was started (the first start included). */
  starts = 0;
  /** What the engine last said of itself: answers status and provider asks without waiting for a running job. */
  private lastStatus: HostStatus | null = null;
  private lastProvider: { setting: string; chosen: ProviderName; reason: string } | null = null;

  constructor(private readonly opts: EngineHostOptions) {}

  private ensureWorker(): Worker {
    if (this.disposed) throw new GlimmerError('unavailable', 'The engine is shutting down.');
    if (this.worker) return this.worker;
    const init: WorkerInit = { app: this.opts.app, compileCacheDir: this.opts.compileCacheDir, maxWaitingCheckBytes: this.opts.maxWaitingCheckBytes };
    const worker = new Worker(this.opts.workerUrl ?? defaultWorkerUrl(), { workerData: init, name: 'glimmer-engine' });
    this.starts += 1;
    // a worker that was asked to stop may still talk; what it says is no longer anyone's business
    worker.on('message', (msg: FromWorker) => {
      if (this.worker === worker) this.onMessage(msg);
    });
    worker.on('error', (err) => this.onWorkerGone(worker, err));
    worker.on('exit', (code) => this.onWorkerGone(worker, code === 0 ? null : new Error(`it exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private send(msg: ToWorker): void {
    if (this.disposed) throw new GlimmerError('unavailable', 'The engine is shutting down.');
    if (this.retiring) this.outbox.push(msg);
    else this.ensureWorker().postMessage(msg);
  }

  /** Takes the message `match` finds out of the outbox, its sender failing with `err`; false when none waits there. */
  private withdraw(match: (m: ToWorker) => boolean, err: GlimmerError): boolean {
    const k = this.outbox.findIndex(match);
    if (k < 0) return false;
    this.undeliverable(this.outbox.splice(k, 1)[0]!, err);
    return true;
  }

  /** A message that never reached an engine thread (one could not start, or it was withdrawn): its sender learns why. */
  private undeliverable(msg: ToWorker, err: unknown): void {
    const settle = <K>(map: Map<K, { reject(e: unknown): void }>, key: K) => {
      map.get(key)?.reject(err);
      map.delete(key);
    };
    if (msg.type === 'generate') settle(this.jobs, msg.jobId);
    else if (msg.type === 'call') settle(this.calls, msg.callId);
    else if (msg.type === 'checkText') settle(this.checks, msg.checkId);
  }

  /**
   * Asks `worker` to stop and terminates it once nothing runs on it (or once the grace period is over).
   * Resolves when the thread has ended.
   */
  private async stopWorker(worker: Worker): Promise<void> {
    const grace = this.opts.stopGraceMs ?? 600_000;
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const stopped = new Promise<boolean>((resolve) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'stopped') resolve(true);
      });
      void exited.then(() => resolve(true));
      timer = setTimeout(() => resolve(false), grace);
    });
    try {
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
    } catch {
      // a worker that cannot take messages any more has ended, or is about to
    }
    const clean = await stopped;
    clearTimeout(timer);
    if (!clean) this.opts.log?.(`[engine] the engine thread was still running a model ${Math.round(grace / 1000)} s after it was asked to stop; it is stopped now`);
    await worker.terminate();
  }

  private onWorkerGone(worker: Worker, err: Error | null): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.lastStatus = null;
    this.lastProvider = null;
    if (this.disposed && err === null) return;
    const oom = (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const why = err ? err.message.split('\n')[0]!.slice(0, 300) : 'it was stopped';
    const error = oom
      ? new GlimmerError('out_of_memory', 'The engine ran out of memory and was restarted. Choose a smaller image size or a lower memory tier in Settings.')
      : // the reason (an exit code, a native error's text) goes to the log only
        new GlimmerError('unavailable', 'The engine stopped unexpectedly and this job did not finish. The engine starts again with the next job; the reason is in the log.');
    this.opts.log?.(`[engine] the engine worker stopped: ${why}`);
    this.failPending(error);
  }

  /** Every job, call and text check still waiting for an answer fails with `error` (checks with `checkError`). */
  private failPending(error: GlimmerError, checkError = error): void {
    const fail = <K>(map: Map<K, { reject(e: unknown): void }>, e: GlimmerError) => {
      for (const [id, pending] of map) {
        map.delete(id);
        pending.reject(e);
      }
    };
    fail(this.jobs, error);
    fail(this.calls, error);
    fail(this.checks, checkError);
  }

  /** A check the worker will answer with a 'checked' message. */
  private pendingCheck(id: string): PendingTextCheck {
    const result = new Promise<TextCheck>((resolve, reject) => this.checks.set(id, { resolve, reject }));
    // a result nobody waits for must not become an unhandled rejection
    result.catch(() => undefined);
    return {
      id,
      result,
      cancel: () => {
        if (!this.withdraw((m) => m.type === 'checkText' && m.checkId === id, new GlimmerError('cancelled', 'The text check was cancelled.'))) {
          this.worker?.postMessage({ type: 'cancelCheck', checkId: id } satisfies ToWorker);
        }
      },
    };
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === 'log') {
      this.opts.log?.(msg.message);
      return;
    }
    if (msg.type === 'stopped') return;
    if (msg.type === 'status') {
      this.lastStatus = msg.status;
      return;
    }
    if (msg.type === 'provider') {
      this.lastProvider = { setting: msg.setting, chosen: msg.chosen, reason: msg.reason };
      return;
    }
    if (msg.type === 'checked') {
      const check = this.checks.get(msg.checkId);
      if (!check) return;
      this.checks.delete(msg.checkId);
      if (msg.ok) check.resolve(msg.check);
      else check.reject(fromShape(msg.error));
      return;
    }
    if (msg.type === 'reply') {
      const call = this.calls.get(msg.callId);
      if (!call) return;
      this.calls.delete(msg.callId);
      if (msg.ok) call.resolve(msg.value);
      else call.reject(fromShape(msg.error));
      return;
    }
    const job = this.jobs.get(msg.jobId);
    if (!job) return;
    switch (msg.type) {
      case 'progress':
        job.opts.streamer?.put(msg.event);
        break;
      case 'imageStart':
        job.opts.onImageStart?.(msg.index);
        break;
      case 'image': {
        job.images += 1;
        const onImage = job.opts.onImage;
        const check = msg.checkId !== null ? this.pendingCheck(msg.checkId) : null;
        if (onImage) job.saved = job.saved.then(() => onImage(msg.image, msg.index, check));
        break;
      }
      case 'done':
        this.jobs.delete(msg.jobId);
        job.opts.streamer?.end();
        job.saved.then(() => job.resolve(job.images), job.reject);
        break;
      case 'failed':
        this.jobs.delete(msg.jobId);
        job.opts.streamer?.end();
        // images already made are saved before the failure is reported
        job.saved.then(() => job.reject(fromShape(msg.error)), job.reject);
        break;
    }
  }

  private call<C extends HostCallName>(name: C, args: HostCalls[C]['args']): Promise<HostCalls[C]['result']> {
    const callId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(callId, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.send({ type: 'call', callId, name, args } as ToWorker);
      } catch (err) {
        this.calls.delete(callId);
        reject(err);
      }
    });
  }

  /** Runs one request on the engine thread; resolves with the number of images made. */
  generate(request: GenerateRequest, opts: HostGenerateOptions = {}): Promise<number> {
    const jobId = `j${this.nextId++}`;
    return new Promise<number>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new GlimmerError('cancelled', 'Generation was cancelled.'));
        return;
      }
      const onAbort = () => {
        // a job still in the outbox (waiting for a restarted engine) never reaches the worker
        if (!this.withdraw((m) => m.type === 'generate' && m.jobId === jobId, new GlimmerError('cancelled', 'Generation was cancelled.'))) {
          this.worker?.postMessage({ type: 'cancel', jobId } satisfies ToWorker);
        }
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => opts.signal?.removeEventListener('abort', onAbort);
      this.jobs.set(jobId, {
        opts,
        saved: Promise.resolve(),
        images: 0,
        resolve: (n) => (done(), resolve(n)),
        reject: (e) => (done(), reject(e)),
      });
      try {
        this.send({ type: 'generate', jobId, request, settings: this.opts.settings(), inputs: opts.inputs ?? {}, checkText: opts.checkText === true });
      } catch (err) {
        this.jobs.delete(jobId);
        done();
        reject(err);
      }
    });
  }

  /**
   * Reads `texts` back from an image on the engine thread, between jobs (a job that starts meanwhile
   * goes first; the check then runs again), on the engine's provider. Bad images are refused there
   * with bad_image.
   */
  checkText(image: CheckImage, texts: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<TextCheck> {
    if (opts.signal?.aborted) return Promise.reject(new GlimmerError('cancelled', 'The text check was cancelled.'));
    const id = `h${this.nextId++}`;
    const pending = this.pendingCheck(id);
    const onAbort = () => pending.cancel();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.send({ type: 'checkText', checkId: id, image, texts: [...texts], settings: this.opts.settings() });
    } catch (err) {
      this.checks.get(id)?.reject(err);
      this.checks.delete(id);
    }
    return pending.result.finally(() => opts.signal?.removeEventListener('abort', onAbort));
  }

  /** What the engine has loaded, and why the last load failed. */
  async status(): Promise<HostStatus> {
    return this.lastStatus ?? (this.lastStatus = await this.call('status', {}));
  }

  /** The provider the current settings give, after probing what works here. */
  async provider(): Promise<{ chosen: ProviderName; reason: string }> {
    const setting = this.opts.settings().provider;
    if (this.lastProvider?.setting === setting) return { chosen: this.lastProvider.chosen, reason: this.lastProvider.reason };
    const p = await this.call('provider', { settings: this.opts.settings() });
    this.lastProvider = { setting, ...p };
    return p;
  }

  /** onnxruntime's version and every provider, probed in the engine thread (once per engine start; refresh probes again). */
  runtime(refresh = false): Promise<SystemInfo['onnxruntime']> {
    if (refresh) this.lastProvider = null;
    return this.call('runtime', { refresh });
  }

  /** Frees every session (device memory included); the next job loads again. */
  async release(): Promise<void> {
    if (this.worker) await this.call('release', {});
  }

  /** Whether a job is on the engine now. */
  get busy(): boolean {
    return this.jobs.size > 0;
  }

  /**
   * Stops the engine thread: what it was doing fails at once (`reason` goes to the log); the thread
   * itself ends after its model run in progress. The next job starts a new thread once it has.
   * Resolves when the old thread has ended.
   */
  async restart(reason = 'a restart was asked for'): Promise<void> {
    const w = this.worker;
    // no thread, or one already on its way out (no new one starts while it is)
    if (!w) return this.retiring ?? undefined;
    this.onWorkerGone(w, new Error(reason));
    const retiring: Promise<void> = this.stopWorker(w).finally(() => {
      this.retiring = null;
      if (this.disposed) return;
      for (const msg of this.outbox.splice(0)) {
        try {
          this.send(msg);
        } catch (err) {
          this.undeliverable(msg, err);
        }
      }
    });
    this.retiring = retiring;
    return retiring;
  }

  /** Cancels what runs, frees the sessions and stops the engine thread for good. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const w = this.worker;
    this.worker = null;
    this.outbox = [];
    await this.retiring;
    if (w) await this.stopWorker(w);
    // what never got an answer will not get one
    this.failPending(new GlimmerError('unavailable', 'The engine stopped before this could finish.'), new GlimmerError('unavailable', 'The engine stopped before the text check could run.'));
  }
}
