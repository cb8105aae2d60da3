/**
 * Trying a remote call again when that may help: after a dropped or refused connection, a stall,
 * 429 or 502-504, with exponential backoff (jitter keeps several studios from retrying in step),
 * honouring the server's Retry-After. A wait longer than the policy allows is not waited out: the
 * job fails saying how long the server asked for. Waits end at once when the job is cancelled.
 */
import { RemoteError } from './errors';

export interface RetryPolicy {
  /** Tries in all (1: no retry). */
  attempts: number;
  /** First backoff (ms); doubled each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After we wait out (ms). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/** Sleeps `ms`, or rejects as cancelled when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(RemoteError.cancelled());
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(RemoteError.cancelled());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wait before retry number `retry` (1-based) after `err`. */
export function retryDelay(err: RemoteError, retry: number, policy: RetryPolicy, random = Math.random): number {
  if (err.retryAfterMs !== undefined) return err.retryAfterMs;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (err: RemoteError, delayMs: number, attempt: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof RemoteError) || !err.retryable || signal?.aborted) throw err;
      if (attempt >= policy.attempts) {
        throw new RemoteError(err.reason, `${err.message} (${attempt} tries)`, {
          retryable: false,
          ...(err.status !== undefined ? { status: err.status } : {}),
          code: err.code,
        });
      }
      const delay = retryDelay(err, attempt, policy);
      if (delay > policy.maxRetryAfterMs) {
        throw new RemoteError(err.reason, `${err.message} It asks to wait ${Math.round(delay / 1000)} s before trying again; try again later.`, {
          retryable: false,
          ...(err.status !== undefined ? { status: err.status } : {}),
          code: err.code,
        });
      }
      onRetry?.(err, delay, attempt);
      await sleep(delay, signal);
    }
  }
}
