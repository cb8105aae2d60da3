/** The defaults of a remote engine's limits, and the options merged over them. */
import type { HttpLimits } from './http-request';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import type { EngineOptions } from './types';

/** A job's answer: GLM-Image at 2048² takes minutes on one H100; a stall is a minute without a byte. */
export const JOB_LIMITS: HttpLimits = { connectTimeoutMs: 15_000, timeoutMs: 30 * 60_000, stallMs: 60_000, maxBytes: 64 * 1024 * 1024 };

/** Short calls: a test, a submit, a status, a recipe. */
export const CALL_LIMITS: HttpLimits = { connectTimeoutMs: 10_000, timeoutMs: 30_000, stallMs: 15_000, maxBytes: 8 * 1024 * 1024 };

export interface ResolvedOptions {
  app: string;
  limits: HttpLimits;
  callLimits: HttpLimits;
  retry: RetryPolicy;
  tickMs: number;
  history: EngineOptions['history'];
  log: (message: string) => void;
}

export function resolveOptions(o: EngineOptions): ResolvedOptions {
  return {
    app: o.app,
    limits: { ...JOB_LIMITS, ...(o.limits ?? {}) },
    callLimits: { ...CALL_LIMITS, ...(o.callLimits ?? {}) },
    retry: { ...DEFAULT_RETRY, ...(o.retry ?? {}) },
    tickMs: o.tickMs ?? 1000,
    history: o.history,
    log: o.log ?? (() => undefined),
  };
}
