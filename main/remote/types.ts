/**
 * The shapes every remote engine shares: a server's configuration, a job as the queue hands it over
 * (the request plus what the library resolved), what comes back (pixels and a recipe), progress,
 * and the engine interface the queue runs a job on.
 */
import type { GenerateRequest, JobProgress, ServerKind, ServerTest, StoredRecipe } from '../contract';
import type { HttpLimits } from './http-request';
import type { RetryPolicy } from './retry';

/** A server as stored (the key only here, in the main process). */
export interface ServerConfig {
  id: string;
  name: string;
  url: string;
  kind: ServerKind;
  key?: string;
  pool?: string | null;
  /** Extra trusted CA certificates (PEM) for a server with its own certificate. */
  ca?: string;
}

/** What the queue resolved from the library for a request (as the local engine's JobInputs). */
export interface RemoteInputs {
  /** Bytes of each image the request names by generation id. */
  images?: Record<string, Uint8Array>;
  /** For reuseTokensOf: that generation's target-grid tokens. */
  reuseTokens?: { ids: Int32Array; rows: number; cols: number } | null;
}

export interface RemoteJob {
  request: GenerateRequest;
  inputs?: RemoteInputs;
}

/** One finished image: RGB pixels (checked: a real image of the size asked) and its recipe. */
export interface RemoteImage {
  pixels: { rgb: Uint8Array; width: number; height: number };
  recipe: StoredRecipe;
  timings: Record<string, number>;
}

/** Progress as the queue shows it (a preview is a PNG/JPEG/WebP data: URL, checked). */
export type RemoteProgress = Omit<JobProgress, 'image'>;

export interface RemoteRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RemoteProgress) => void;
  onImageStart?: (index: number) => void;
  /** Each finished image; run() resolves after the last of these has settled. */
  onImage?: (image: RemoteImage, index: number) => Promise<void> | void;
  /** Who we are to a Glimmer server (its queue takes its clients' jobs in turn). */
  client?: string;
}

/** A server the queue can run a job on. */
export interface RemoteEngine {
  readonly config: ServerConfig;
  /** What the server is and whether it answers (never throws: a failed test says why). */
  test(signal?: AbortSignal): Promise<ServerTest>;
  /** Runs a job; resolves with the number of images made. */
  run(job: RemoteJob, opts?: RemoteRunOptions): Promise<number>;
}

/** The limits of the exchanges with a server (defaults in engine-options.ts). */
export interface EngineOptions {
  /** "Glimmer Studio 0.1.0", written into recipes. */
  app: string;
  limits?: Partial<HttpLimits>;
  /** Limits of the short calls (test, submit, status); a job's own answer uses `limits`. */
  callLimits?: Partial<HttpLimits>;
  retry?: Partial<RetryPolicy>;
  /** How often an estimated progress is reported while waiting for an OpenAI-style server (ms). */
  tickMs?: number;
  /** Past jobs of the server (ms per megapixel-step) for the ETA; a finished job is added. */
  history?: { estimate(serverId: string, units: number): number | null; record(serverId: string, ms: number, units: number): void };
  log?: (message: string) => void;
}
