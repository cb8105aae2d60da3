/** Sizes and durations (the contract's formatters in the current language) and error text for the Models screen. */
import { ApiError } from '../api/client';
import { fmt } from '../i18n';

export const formatBytes = fmt.bytes;
export const formatDuration = fmt.duration;

/** What a failed call says to the user: the error's message, never a stack. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
