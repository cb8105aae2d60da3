/**
 * The HTTP status of each error code: a complete map (a new code without a status is a type error).
 * What the client asked for and cannot have is 4xx; a condition of this machine (memory, disk, a
 * busy or stopping server) is 5xx; only `internal`, a bug, is 500.
 */
import type { ErrorCode } from '../../contract';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  /** The request needs a model that is not there (choose or download one). */
  model_missing: 409,
  /** The model files are there but damaged: the request cannot be processed with them. */
  model_corrupt: 422,
  /** The image sent is not one we can read. */
  bad_image: 422,
  /** The work was cancelled (by the user, or the client went away). */
  cancelled: 409,
  conflict: 409,
  /** Not enough memory for this request now (a smaller size or another memory profile may fit). */
  out_of_memory: 503,
  disk_full: 507,
  unavailable: 503,
  internal: 500,
};

export function httpStatus(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 500;
}
