/**
 * The quote rule: which parts of a prompt GLM-Image draws as glyphs. The engine encodes these texts
 * with the glyph encoder; the prompt editor highlights the same ranges; the text check reads them back.
 *
 * Rules (same as the reference pipeline's get_glyph_texts, diffusers 0.39 GlmImagePipeline):
 * four independent non-overlapping left-to-right scans over the whole prompt, concatenated in this order
 *   1. every  '…'  (ASCII apostrophe, content without ')
 *   2. every  “…”  (U+201C … U+201D, content without “ or ”)
 *   3. every  "…"  (ASCII double quote, content without ")
 *   4. every  「…」 (U+300C … U+300D, content without 「 or 」)
 * Contents may be empty and may span lines. Other quote marks (‘’, 『』, «», ＂) are NOT quotes here.
 * So the result is grouped by quote kind, not in prompt order; an unbalanced quote simply does not match;
 * an apostrophe pair ("girl's … it's") yields a glyph text, exactly as the reference does.
 * A prompt with no quoted text yields [] (the encoder then uses [""] as the reference does).
 */

const QUOTE_PATTERNS: readonly RegExp[] = [
  /'([^']*)'/gu,
  /\u201c([^\u201c\u201d]*)\u201d/gu,
  /"([^"]*)"/gu,
  /\u300c([^\u300c\u300d]*)\u300d/gu,
];

export interface QuotedRange {
  /** UTF-16 offsets of the whole quote, marks included: [start, end). */
  start: number;
  end: number;
  /** The text inside the marks (what is drawn). */
  text: string;
}

/** Every quoted range, grouped by quote kind (the order above), each kind in prompt order. Ranges of different kinds may overlap. */
export function quotedRanges(prompt: string): QuotedRange[] {
  const out: QuotedRange[] = [];
  for (const pattern of QUOTE_PATTERNS) {
    for (const m of prompt.matchAll(pattern)) out.push({ start: m.index, end: m.index + m[0].length, text: m[1] ?? '' });
  }
  return out;
}

/** The texts GLM-Image draws, in the reference's order. */
export function extractGlyphTexts(prompt: string): string[] {
  return quotedRanges(prompt).map((r) => r.text);
}
