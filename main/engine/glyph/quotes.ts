/**
 * Quoted-text extraction: which parts of a prompt GLM-Image draws as glyphs.
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

export function extractGlyphTexts(prompt: string): string[] {
  const out: string[] = [];
  for (const pattern of QUOTE_PATTERNS) {
    for (const m of prompt.matchAll(pattern)) out.push(m[1] ?? '');
  }
  return out;
}
