/** The one error type that crosses the API: a stable code, a message a user can act on, optional details. */

/** Every error code, once; transports map each to their own status (main/api/transport/status.ts). */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'too_large',
  'model_missing',
  'model_corrupt',
  'bad_image',
  'cancelled',
  'out_of_memory',
  'disk_full',
  'conflict',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class GlimmerError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'GlimmerError';
    this.code = code;
    this.details = details;
  }
  toShape(): ErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * The code of an error that carries one of ours: a GlimmerError, or an error of a lower layer that
 * names its failure with the same words (native-models' ModelFileError: 'model_missing',
 * 'model_corrupt', ...). undefined for anything else.
 */
export function errorCode(err: unknown): ErrorCode | undefined {
  return isCodedError(err) ? err.code : undefined;
}

/** An error that carries one of our codes (see errorCode). */
export function isCodedError(err: unknown): err is Error & { code: ErrorCode; details?: unknown } {
  return err instanceof Error && isErrorCode((err as { code?: unknown }).code);
}

/** A short id that ties a generic message a user sees to the full text in the log. */
export function newLogId(): string {
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Where the full text of an internal error goes when the caller names no log: the process's stderr. */
const stderrLog = (line: string): void => console.error(line);

/**
 * Anything thrown → the error shape users see. A coded error keeps its code and message. Anything
 * else (a bug, an errno from a lower layer, an internal GlimmerError) becomes `internal` with a
 * generic message and a log id: its raw text (paths, errno, stack) goes to `log` under that id and
 * never to the client.
 */
export function toErrorShape(err: unknown, log: (line: string) => void = stderrLog): ErrorShape {
  const code = errorCode(err);
  if (code !== undefined && code !== 'internal') {
    if (err instanceof GlimmerError) return err.toShape();
    const details = (err as { details?: unknown }).details;
    return details === undefined ? { code, message: (err as Error).message } : { code, message: (err as Error).message, details };
  }
  if (code === undefined && err && typeof err === 'object' && (err as { code?: unknown }).code === 'ENOSPC') {
    return { code: 'disk_full', message: 'The disk is full. Free some space and try again.' };
  }
  const logId = newLogId();
  log(`[error ${logId}] ${err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err)}`);
  return internalShape(logId);
}

/** The shape of an internal error as clients see it. */
export function internalShape(logId: string): ErrorShape {
  return {
    code: 'internal',
    message: `Something went wrong inside Glimmer Studio (log id ${logId}). The details are in the log; please report them.`,
    details: { logId },
  };
}
