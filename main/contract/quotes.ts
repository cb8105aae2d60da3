/**
 * The quote rule: which parts of a prompt GLM-Image draws as glyphs. The engine encodes these texts
 * with the glyph encoder; the prompt editor highlights the same ranges (and names the quote marks
 * left open); the text check reads them back.
 *
 * Rules (the reference pipeline's get_glyph_texts, diffusers 0.39 GlmImagePipeline, with one
 * deliberate deviation, below): four independent non-overlapping left-to-right scans over the whole
 * prompt, concatenated in this order
 *   1. every  '…'  (ASCII apostrophe; see the deviation)
 *   2. every  “…”  (U+201C … U+201D, content without “ or ”)
 *   3. every  "…"  (ASCII double quote, content without ")
 *   4. every  「…」 (U+300C … U+300D, content without 「 or 」)
 * Contents may be empty and may span lines. Other quote marks (‘’, 『』, «», ＂) are NOT quotes here.
 * So the result is grouped by quote kind, not in prompt order; an unbalanced quote simply does not match.
 * A prompt with no quoted text yields [] (the encoder then uses [""] as the reference does).
 *
 * Deviation from the reference (decided for the text check, issue 16): an ASCII apostrophe between two
 * letters or digits ("cat's", "it's", "rock'n'roll") is an apostrophe, not a quote mark. The reference
 * matches /'([^']*)'/ and so draws "s hat and the boy" for "the girl's hat and the boy's coat" — text
 * the user never quoted, which the text check would then look for. Here, for the apostrophe only:
 *   - a mark between two word characters is part of the text around it (it neither opens nor closes);
 *   - an opening mark must not follow a word character; a closing mark must not precede one
 *     ("the dogs' bowl says 'WOOF'" draws "WOOF", where the reference draws " bowl says ");
 *   - word characters are letters and digits of the scripts written with spaces between words. Han,
 *     Hiragana and Katakana are not: in 写着'你好'的 the marks are quotes, as in the reference.
 * Prompts whose apostrophes all stand beside a space, punctuation, a CJK character or the prompt's
 * ends give exactly the reference's texts (every golden prompt does; test/unit/glyph-quotes.test.ts
 * checks that agreement on random prompts). Images made before this rule from prompts with an
 * in-word apostrophe were drawn with the reference's texts; their recipes keep the prompt, so they
 * reproduce with today's texts, not the old ones.
 */

const OTHER_PATTERNS: readonly RegExp[] = [/\u201c([^\u201c\u201d]*)\u201d/gu, /"([^"]*)"/gu, /\u300c([^\u300c\u300d]*)\u300d/gu];

/** Letters and digits, except the scripts written without spaces (where an apostrophe beside a character is a quote mark). */
const WORD = /^(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}]$/u;

export interface QuotedRange {
  /** UTF-16 offsets of the whole quote, marks included: [start, end). */
  start: number;
  end: number;
  /** The text inside the marks (what is drawn). */
  text: string;
}

/** A quote mark left without its partner: the text after (or before) it is not drawn as lettering. */
export interface UnbalancedQuote {
  /** UTF-16 offset of the mark. */
  index: number;
  mark: string;
  /** Which partner is missing: an opening mark's closing one, or a closing mark's opening one. */
  missing: 'close' | 'open';
}

/** The code point before / after UTF-16 offset i (surrogate pairs whole), or '' at the ends. */
function charBefore(s: string, i: number): string {
  if (i <= 0) return '';
  const lo = s.charCodeAt(i - 1);
  return lo >= 0xdc00 && lo <= 0xdfff && i >= 2 ? s.slice(i - 2, i) : s[i - 1]!;
}
function charAfter(s: string, i: number): string {
  const cp = s.codePointAt(i + 1);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}
const isWord = (ch: string) => ch !== '' && WORD.test(ch);

type ApostropheRole = 'inner' | 'open' | 'close' | 'either';

/** What an apostrophe at offset i may be, from its neighbours. */
function apostropheRole(s: string, i: number): ApostropheRole {
  const before = isWord(charBefore(s, i));
  const after = isWord(charAfter(s, i));
  if (before && after) return 'inner';
  if (before) return 'close';
  if (after) return 'open';
  return 'either';
}

/** The '…' quotes by the rule above, and the apostrophes that could open a quote but found no close. */
function apostropheQuotes(prompt: string): { ranges: QuotedRange[]; unclosed: number[] } {
  const marks: Array<{ i: number; role: ApostropheRole }> = [];
  for (let i = prompt.indexOf("'"); i >= 0; i = prompt.indexOf("'", i + 1)) {
    const role = apostropheRole(prompt, i);
    if (role !== 'inner') marks.push({ i, role });
  }
  const ranges: QuotedRange[] = [];
  const unclosed: number[] = [];
  let k = 0;
  while (k < marks.length) {
    const open = marks[k]!;
    if (open.role === 'close') {
      k++;
      continue;
    }
    const next = marks[k + 1];
    if (next && next.role !== 'open') {
      ranges.push({ start: open.i, end: next.i + 1, text: prompt.slice(open.i + 1, next.i) });
      k += 2;
    } else {
      // the next mark opens a quote of its own (or there is none): this one stays open
      unclosed.push(open.i);
      k++;
    }
  }
  return { ranges, unclosed };
}

/** Every quoted range, grouped by quote kind (the order above), each kind in prompt order. Ranges of different kinds may overlap. */
export function quotedRanges(prompt: string): QuotedRange[] {
  const out = apostropheQuotes(prompt).ranges;
  for (const pattern of OTHER_PATTERNS) {
    for (const m of prompt.matchAll(pattern)) out.push({ start: m.index, end: m.index + m[0].length, text: m[1] ?? '' });
  }
  return out;
}

/** The texts GLM-Image draws, in the rule's order. */
export function extractGlyphTexts(prompt: string): string[] {
  return quotedRanges(prompt).map((r) => r.text);
}

/**
 * Quote marks without a partner, in prompt order: a ", “, ”, 「 or 」 that no quote of its kind uses,
 * and an apostrophe that could open a quote (no letter or digit before it) but is never closed. An
 * apostrophe after a word ("the dogs' bowl") is taken for an apostrophe and not reported.
 */
export function unbalancedQuotes(prompt: string): UnbalancedQuote[] {
  const out: UnbalancedQuote[] = apostropheQuotes(prompt).unclosed.map((index) => ({ index, mark: "'", missing: 'close' as const }));
  const kinds: Array<{ pattern: RegExp; open: string; close: string }> = [
    { pattern: OTHER_PATTERNS[0]!, open: '\u201c', close: '\u201d' },
    { pattern: OTHER_PATTERNS[1]!, open: '"', close: '"' },
    { pattern: OTHER_PATTERNS[2]!, open: '\u300c', close: '\u300d' },
  ];
  for (const { pattern, open, close } of kinds) {
    const used = new Set<number>();
    for (const m of prompt.matchAll(pattern)) {
      used.add(m.index);
      used.add(m.index + m[0].length - 1);
    }
    for (let i = 0; i < prompt.length; i++) {
      const c = prompt[i];
      if ((c === open || c === close) && !used.has(i)) out.push({ index: i, mark: c, missing: c === open ? 'close' : 'open' });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
