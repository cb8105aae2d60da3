/** Limits every transport and schema enforces, and the request of a method that takes nothing. */
import { z } from 'zod';

export const LIMITS = {
  /** Largest request body in bytes (a few reference images as base64 fit). */
  maxRequestBytes: 64 * 1024 * 1024,
  maxPromptChars: 20_000,
} as const;

/** The request of a method that takes no arguments: {} and nothing else. */
export const EmptyRequest = z.object({}).strict();
