/** Sizes and durations (the contract's formatters, one for every screen) and error text for the Models screen. */
import { ApiError } from '../api/client';

export { formatBytes, formatDuration } from '../../../main/contract';

/** What a failed call says to the user: the error's message, never a stack. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
