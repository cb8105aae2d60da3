/**
 * The text check's result: which quoted strings of a prompt were read back in its image (main/engine/ocr
 * makes it, the library stores it beside the recipe, the studio shows it). How each figure is computed
 * is documented with the scoring, main/engine/ocr/score.ts.
 *
 *   TextCheckResult  the scoring of the targets against the lines read (per string and per image)
 *   TextCheck        a result as stored and shown: with the lines read, the image size its boxes are
 *                    in, when and on what it ran. Read back from the library it is untrusted: bounded.
 *
 * Best of N by text ranks candidates with rankByText (one rule for the queue, the CLI and the tests).
 */
import { z } from 'zod';

export const TextCheckStatus = z.enum(['ok', 'issues', 'no_targets']);
export type TextCheckStatus = z.infer<typeof TextCheckStatus>;

/** Library filter values: every quoted string read as written, or at least one not. */
export const TextCheckFilter = z.enum(['ok', 'issues']);
export type TextCheckFilter = z.infer<typeof TextCheckFilter>;

const coord = z.number().finite().min(-1e6).max(1e6);
export const TextPoint = z.tuple([coord, coord]).readonly();
/** Corners TL, TR, BR, BL in the image's pixels, clockwise; the text runs TL → TR. */
export const TextBox = z.tuple([TextPoint, TextPoint, TextPoint, TextPoint]).readonly();
export type TextPoint = z.infer<typeof TextPoint>;
export type TextBox = z.infer<typeof TextBox>;

const unit = z.number().finite().min(0).max(1);
const count = z.number().int().min(0).max(10_000);
const text = z.string().max(20_000);

export const TextTargetResult = z.object({
  /** The quoted string as written in the prompt. */
  target: text,
  /** Its normalised characters (what was compared). */
  normalized: text,
  mode: z.enum(['latin', 'cjk']),
  found: z.boolean(),
  /** 1 - lev / max(len), 0..1. */
  similarity: unit,
  words: count,
  correctWords: count,
  /** correctWords / words */
  wordAccuracy: unit,
  /** What the image says where the target fits best (null when nothing was read there). */
  read: text.nullable(),
  /** Indices of the lines the match uses. */
  lines: z.array(count).max(64),
  /** Where it was read (one box per line used). */
  boxes: z.array(TextBox).max(64),
});
export type TextTargetResult = z.infer<typeof TextTargetResult>;

export const TextCheckResult = z.object({
  status: TextCheckStatus,
  message: z.string().max(50_000),
  targets: z.array(TextTargetResult).max(200),
  /** Quoted strings with no letters or digits to check. */
  skipped: z.array(text).max(200),
  /** The lowest similarity over the targets (null without targets). */
  score: unit.nullable(),
  found: count,
  total: count,
  /** Σ correct words / Σ words (null without targets). */
  wordAccuracy: unit.nullable(),
});
export type TextCheckResult = z.infer<typeof TextCheckResult>;

/** A line of text read in the image. */
export const TextLine = z.object({ text, confidence: unit, box: TextBox });
export type TextLine = z.infer<typeof TextLine>;

export const TextCheck = TextCheckResult.extend({
  /** Every line read, in reading order (targets' `lines` index into it). */
  lines: z.array(TextLine).max(500),
  /** The image the boxes are in. */
  width: z.number().int().positive().max(65_535),
  height: z.number().int().positive().max(65_535),
  /** True when the reader left boxes out (more lines than it reads). */
  truncated: z.boolean(),
  /** The execution provider the reader ran on. */
  provider: z.string().max(40),
  /** Wall time of reading + scoring (ms). */
  ms: z.number().finite().min(0),
  /** When it ran (ms since the epoch). */
  checkedAt: z.number().int().min(0),
});
export type TextCheck = z.infer<typeof TextCheck>;

/** A stored check read back: the check, or undefined when it does not parse (never throws). */
export function parseTextCheck(value: unknown): TextCheck | undefined {
  const parsed = TextCheck.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Best of N by text: candidate indices, best first. Ranked by the image's score (its worst string's
 * similarity), then by strings found, then by word accuracy; an image without a check comes last;
 * ties keep the order they were made in (the first seed wins).
 */
export function rankByText(checks: ReadonlyArray<Pick<TextCheckResult, 'score' | 'found' | 'wordAccuracy'> | null | undefined>): number[] {
  const key = (c: (typeof checks)[number]) => (c ? [c.score ?? -1, c.found, c.wordAccuracy ?? -1] : [-2, -1, -2]);
  return checks
    .map((c, i) => ({ i, k: key(c) }))
    .sort((a, b) => b.k[0]! - a.k[0]! || b.k[1]! - a.k[1]! || b.k[2]! - a.k[2]! || a.i - b.i)
    .map((x) => x.i);
}

/** Whether a quoted string has anything the check compares (a character that is not a space, punctuation or a symbol). */
export function hasCheckableText(quoted: string): boolean {
  return /[^\s\p{P}\p{S}]/u.test(quoted.normalize('NFKC'));
}
