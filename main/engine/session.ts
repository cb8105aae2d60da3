/**
 * The one place where onnxruntime-node sessions are created and execution providers are chosen.
 * Everything else asks for a session by model path and provider name. Every run() is counted by the
 * transfer meter (transfers.ts): the bytes of host tensors it was given and of host tensors it gave
 * back, under the session's module name.
 */
import * as ort from 'onnxruntime-node';
import { type ProviderName, errorCode, GlimmerError } from '../contract';
import { countedRun } from './transfers';

export { ort };

export interface SessionOptions {
  provider?: ProviderName;
  /** Threads for the CPU provider (default: onnxruntime's choice). */
  intraOpThreads?: number;
  /** Free device memory between runs (sequential memory profile). */
  lowMemory?: boolean;
  /** The module the session runs (ar, dit, ...): the name its transfers are counted under. */
  module?: string;
  /**
   * Outputs to leave in device memory where the provider can hand them over that way (WebGPU:
   * 'gpu-buffer' tensors, which can be fed back as inputs; never read their data on the host). On
   * other providers they come back as host tensors as usual.
   */
  deviceOutputs?: readonly string[];
}

/** Whether outputs of sessions on this provider can stay in device memory (deviceOutputs) in Node. */
export function keepsOutputsOnDevice(provider: ProviderName): boolean {
  return provider === 'webgpu';
}

/**
 * Optional timing hook (the benchmark's way to see how much wall time is spent inside onnxruntime):
 * when set, every session created afterwards reports its creation time and each run() call's time.
 * Unset (the default) nothing is wrapped.
 */
export interface SessionTimingHook {
  created?(label: string, ms: number): void;
  ran(label: string, ms: number): void;
}

let timingHook: SessionTimingHook | null = null;

/** Set (or clear with null) the timing hook; returns the previous one. */
export function setSessionTimingHook(hook: SessionTimingHook | null): SessionTimingHook | null {
  const previous = timingHook;
  timingHook = hook;
  return previous;
}

function timed(session: ort.InferenceSession, label: string, hook: SessionTimingHook): ort.InferenceSession {
  const run = session.run.bind(session) as (...args: unknown[]) => Promise<ort.InferenceSession.ReturnType>;
  session.run = (async (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return await run(...args);
    } finally {
      hook.ran(label, performance.now() - t0);
    }
  }) as ort.InferenceSession['run'];
  return session;
}

function executionProviders(provider: ProviderName): ort.InferenceSession.ExecutionProviderConfig[] {
  switch (provider) {
    case 'cuda':
      return [{ name: 'cuda' }, 'cpu'];
    case 'dml':
      return [{ name: 'dml' }, 'cpu'];
    case 'coreml':
      return [{ name: 'coreml' }, 'cpu'];
    case 'webgpu':
      return [{ name: 'webgpu' }, 'cpu'];
    case 'cpu':
      return ['cpu'];
  }
}

/** Words a user can act on, from onnxruntime's low-level error text. */
export function translateRuntimeError(err: unknown, modelPath: string): Error {
  if (errorCode(err) !== undefined) return err as Error;
  const text = err instanceof Error ? err.message : String(err);
  if (/out of memory|OOM|bad_alloc|Failed to allocate|CUDA_ERROR_OUT_OF_MEMORY|memory allocation/i.test(text)) {
    return new GlimmerError(
      'out_of_memory',
      'The model did not fit in memory. Switch the memory profile to "sequential" in Settings, or pick a smaller precision or image size.',
      { model: modelPath },
    );
  }
  if (/No such file|ENOENT|Load model .* failed|protobuf parsing failed|external data|ModelProto/i.test(text)) {
    return new GlimmerError(
      'model_corrupt',
      `The model file ${modelPath} is missing or damaged. Recompile the model (Models → Compile) to repair it.`,
      { model: modelPath, cause: text.slice(0, 500) },
    );
  }
  return new GlimmerError('internal', `onnxruntime failed on ${modelPath}: ${text.slice(0, 500)}`);
}

/** The session options createSession gives onnxruntime (exported for tools that create sessions their own way). */
export function ortSessionOptions(options: SessionOptions = {}): ort.InferenceSession.SessionOptions {
  const provider = options.provider ?? 'cpu';
  const device = options.deviceOutputs && options.deviceOutputs.length > 0 && keepsOutputsOnDevice(provider);
  return {
    executionProviders: executionProviders(provider),
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.lowMemory ? { enableCpuMemArena: false, enableMemPattern: false } : {}),
    ...(device ? { preferredOutputLocation: Object.fromEntries(options.deviceOutputs!.map((n) => [n, 'gpu-buffer' as const])) } : {}),
  };
}

export async function createSession(modelPath: string | Uint8Array, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  const label = typeof modelPath === 'string' ? modelPath : '<in-memory model>';
  const hook = timingHook;
  const t0 = performance.now();
  try {
    const session = countedRun(await ort.InferenceSession.create(modelPath as string, ortSessionOptions(options)), options.module ?? 'other');
    if (!hook) return session;
    hook.created?.(label, performance.now() - t0);
    return timed(session, label, hook);
  } catch (err) {
    throw translateRuntimeError(err, label);
  }
}

export const onnxruntimeVersion: string = ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';
