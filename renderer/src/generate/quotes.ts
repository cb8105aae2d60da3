/**
 * Where the prompt has text GLM-Image will draw as glyphs, as character ranges for highlighting.
 * The same four quote kinds and scan rules as main/engine/glyph/quotes.ts (which returns only the
 * texts; test/unit/generate-quotes.test.ts checks both agree): '…', “…”, "…", 「…」, each an
 * independent non-overlapping left-to-right scan. Ranges of different kinds may overlap.
 */

const PATTERNS: readonly RegExp[] = [/'([^']*)'/gu, /\u201c([^\u201c\u201d]*)\u201d/gu, /"([^"]*)"/gu, /\u300c([^\u300c\u300d]*)\u300d/gu];

export interface QuotedRange {
  /** UTF-16 offsets of the whole quote, marks included: [start, end). */
  start: number;
  end: number;
  /** The text inside the marks (what is drawn). */
  text: string;
}

/** Ranges grouped by quote kind (the engine's order), each kind in prompt order. */
export function quotedRanges(prompt: string): QuotedRange[] {
  const out: QuotedRange[] = [];
  for (const pattern of PATTERNS) {
    for (const m of prompt.matchAll(pattern)) out.push({ start: m.index, end: m.index + m[0].length, text: m[1] ?? '' });
  }
  return out;
}

export interface PromptSegment {
  text: string;
  quoted: boolean;
}

/** The prompt cut into plain and quoted runs, in prompt order (overlapping quotes merged). */
export function promptSegments(prompt: string): PromptSegment[] {
  const marks = new Uint8Array(prompt.length);
  for (const r of quotedRanges(prompt)) marks.fill(1, r.start, r.end);
  const out: PromptSegment[] = [];
  let i = 0;
  while (i < prompt.length) {
    const quoted = marks[i] === 1;
    let j = i;
    while (j < prompt.length && (marks[j] === 1) === quoted) j++;
    out.push({ text: prompt.slice(i, j), quoted });
    i = j;
  }
  return out;
}
