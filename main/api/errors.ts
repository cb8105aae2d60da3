/** The one error type that crosses the API: a stable code, a message a user can act on, optional details. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'too_large'
  | 'model_missing'
  | 'model_corrupt'
  | 'bad_image'
  | 'cancelled'
  | 'out_of_memory'
  | 'disk_full'
  | 'conflict'
  | 'unavailable'
  | 'internal';

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

/** Anything thrown → the error shape users see (never a stack trace). */
export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof GlimmerError) return err.toShape();
  if (err && typeof err === 'object' && 'code' in err && (err as { code: unknown }).code === 'ENOSPC') {
    return { code: 'disk_full', message: 'The disk is full. Free some space and try again.' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Something went wrong: ${message}` };
}

export function isCancelled(err: unknown): boolean {
  return err instanceof GlimmerError && err.code === 'cancelled';
}
