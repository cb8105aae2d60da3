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

/** Anything thrown → the error shape users see (never a stack trace). */
export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof GlimmerError) return err.toShape();
  const code = errorCode(err);
  if (code !== undefined) {
    const details = (err as { details?: unknown }).details;
    return details === undefined ? { code, message: (err as Error).message } : { code, message: (err as Error).message, details };
  }
  if (err && typeof err === 'object' && 'code' in err && (err as { code: unknown }).code === 'ENOSPC') {
    return { code: 'disk_full', message: 'The disk is full. Free some space and try again.' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Something went wrong: ${message}` };
}
