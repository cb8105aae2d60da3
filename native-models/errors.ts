/**
 * native-models' own error: what went wrong with a checkpoint, a compiled model or a compile, named
 * with a stable code and the file it concerns. native-models imports nothing of the app; the app
 * maps these to its error shape at the boundary (main/contract errorCode/toErrorShape read `code`
 * and `details`, whose codes are the same words).
 */
export type NativeModelErrorCode =
  /** A file or folder the model needs is not there. */
  | 'model_missing'
  /** A file is there but cut short, malformed or inconsistent. */
  | 'model_corrupt'
  /** The caller asked for something that cannot be (a bad option, a size the model does not take). */
  | 'bad_request'
  /** The caller's AbortSignal fired. */
  | 'cancelled'
  /** No space left to write the output. */
  | 'disk_full'
  /** A bug or an unexpected runtime failure. */
  | 'internal';

export interface NativeModelErrorDetails {
  /** The file or folder concerned. */
  file?: string;
  /** The low-level cause, when there is one (an errno message, a parser's complaint). */
  reason?: string;
  [key: string]: unknown;
}

export class NativeModelError extends Error {
  readonly code: NativeModelErrorCode;
  readonly details?: NativeModelErrorDetails;
  constructor(code: NativeModelErrorCode, message: string, details?: NativeModelErrorDetails) {
    super(message);
    this.name = 'NativeModelError';
    this.code = code;
    this.details = details;
  }
}
