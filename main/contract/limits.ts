/** Limits every transport and schema enforces, and the request of a method that takes nothing. */
import { z } from 'zod';

export const LIMITS = {
  /** Largest request body in bytes (a few reference images as base64 fit). */
  maxRequestBytes: 64 * 1024 * 1024,
  maxPromptChars: 20_000,
} as const;

/** The request of a method that takes no arguments: {} and nothing else. */
export const EmptyRequest = z.object({}).strict();

/**
 * The image sizes the studio, the API and the CLI accept: each side 512..2048 in multiples of 32
 * (GLM-Image's range). The one definition: the API's jobs.submit schema, the CLI's --size and the
 * generate form all read it. The engine keeps its own, wider structural check (any multiple of 32),
 * which the tiny-model tests use at 64x64 by calling it directly.
 */
export const SIZE_RULE = { min: 512, max: 2048, step: 32 } as const;

/** Whether one side is allowed by SIZE_RULE. */
export function isStudioSide(n: number): boolean {
  return Number.isInteger(n) && n >= SIZE_RULE.min && n <= SIZE_RULE.max && n % SIZE_RULE.step === 0;
}

/** Why a size is refused by SIZE_RULE (English, for the API and logs), or null when it is allowed. */
export function sizeProblem(width: number, height: number): string | null {
  if (isStudioSide(width) && isStudioSide(height)) return null;
  return `width and height must be multiples of ${SIZE_RULE.step} from ${SIZE_RULE.min} to ${SIZE_RULE.max} (got ${width}x${height})`;
}

/**
 * AR sampling a request may set (GLM-Image's own defaults, 0.9 / 0.75, come from the model's
 * generation_config.json when a request leaves them out).
 */
export const SAMPLING_RANGE = { temperature: { min: 0.05, max: 2 }, topP: { min: 0.05, max: 1 } } as const;
