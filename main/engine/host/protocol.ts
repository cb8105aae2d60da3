/**
 * The engine host's message protocol: the main thread (EngineHost) and the engine's worker thread
 * (worker.ts) exchange exactly these messages. Jobs carry everything they need (the request, the
 * settings snapshot, the inputs the library resolved); results carry pixels as transferable buffers.
 */
import type { ErrorShape, GenerateRequest, ProviderName, Recipe, SystemInfo, TextCheck } from '../../contract';
import type { EngineSettings, JobInputs } from '../pipeline/engine';
import type { PipelineEvent } from '../pipeline/progress';

/** What the worker is started with (workerData). */
export interface WorkerInit {
  app: string;
  compileCacheDir: string;
  /** Most bytes of pixels kept for text checks waiting for a quiet moment (default 512 MiB). */
  maxWaitingCheckBytes?: number;
}

/** An image as it crosses back to the main thread (pixels transferred, not copied). */
export interface HostImage {
  pixels: { rgb: Uint8Array; width: number; height: number };
  recipe: Recipe;
  arTokens: Int32Array;
  timings: Record<string, number>;
  /** Reference images as given (for the library). */
  references: Array<{ bytes: Uint8Array; role: string }>;
  /** Best of N by text: the candidate's text check, made before the image was handed back. */
  textCheck?: TextCheck;
}

/** What a text check reads: pixels (RGB, as the engine makes them) or an encoded PNG/JPEG/WebP file. */
export type CheckImage = { pixels: { rgb: Uint8Array; width: number; height: number } } | { bytes: Uint8Array; /** For messages (a file name). */ name?: string };

/** What the main thread learns of the loaded model. */
export interface HostStatus {
  loaded: { modelDir: string; modelId: string; precision: string; provider: ProviderName; profile: string } | null;
  /** Why the last load failed, until one succeeds. */
  problem: string | null;
}

/** Calls with one answer each. */
export interface HostCalls {
  status: { args: Record<string, never>; result: HostStatus };
  provider: { args: { settings: EngineSettings }; result: { chosen: ProviderName; reason: string } };
  runtime: { args: { refresh: boolean }; result: SystemInfo['onnxruntime'] };
  /** Free every session now (settings changed, or the user asked); a text check in progress stops and runs again later. */
  release: { args: Record<string, never>; result: null };
}
export type HostCallName = keyof HostCalls;

export type ToWorker =
  /** checkText: read each image whose prompt quotes text back after it is handed over (a check of its own, checkId in the image message). */
  | { type: 'generate'; jobId: string; request: GenerateRequest; settings: EngineSettings; inputs: JobInputs; checkText: boolean }
  | { type: 'cancel'; jobId: string }
  /** A text check asked for by the main thread (ids start with "h"; the worker's own start with "w"). */
  | { type: 'checkText'; checkId: string; image: CheckImage; texts: string[]; settings: EngineSettings }
  | { type: 'cancelCheck'; checkId: string }
  /**
   * Stop for good: running jobs are cancelled and awaited, text checks end, every session is freed,
   * then the worker answers 'stopped' and takes no more work. The host terminates the thread only
   * after that answer: a thread terminated while onnxruntime runs a model aborts the whole process
   * (the run's completion calls back into a JavaScript environment that is gone).
   */
  | { type: 'stop' }
  | { [C in HostCallName]: { type: 'call'; callId: number; name: C; args: HostCalls[C]['args'] } }[HostCallName];

export type FromWorker =
  | { type: 'progress'; jobId: string; event: PipelineEvent }
  | { type: 'imageStart'; jobId: string; index: number }
  /** checkId: the text check of this image that follows as its own 'checked' message (null: none). */
  | { type: 'image'; jobId: string; index: number; image: HostImage; checkId: string | null }
  | { type: 'checked'; checkId: string; ok: true; check: TextCheck }
  | { type: 'checked'; checkId: string; ok: false; error: ErrorShape }
  | { type: 'done'; jobId: string }
  | { type: 'failed'; jobId: string; error: ErrorShape }
  | { type: 'reply'; callId: number; ok: true; value: unknown }
  | { type: 'reply'; callId: number; ok: false; error: ErrorShape }
  | { type: 'log'; message: string }
  /** The answer to 'stop': nothing runs on the thread any more, so it can be terminated. */
  | { type: 'stopped' }
  /** The engine's state changed (a model loaded or released, a load failed): the host keeps the latest. */
  | { type: 'status'; status: HostStatus }
  /** A provider was chosen for these settings (the host answers later asks from it). */
  | { type: 'provider'; setting: string; chosen: ProviderName; reason: string };
