/** Limits every transport and schema enforces. */
export const LIMITS = {
  /** Largest request body in bytes (a few reference images as base64 fit). */
  maxRequestBytes: 64 * 1024 * 1024,
  maxPromptChars: 20_000,
} as const;

