/**
 * Scoring the text of an image against the strings its prompt quotes (pure computation: no model).
 *
 * Targets: the quoted strings of the prompt by the engine's own quote rule (extractGlyphTexts: what the
 * glyph encoder was asked to draw). A target with nothing to compare once normalised (empty, only
 * punctuation) is listed as skipped.
 *
 * Per target t (normalised, see text-normalize; m = its characters without spaces):
 *  - candidates: each line read, and chains of neighbouring lines (the next line on the same row to the
 *    right, or the next line below overlapping it horizontally), joined with a space, because one quoted
 *    string is often drawn on several lines;
 *  - in each candidate c, the region r of c best aligned with t, starting and ending on word
 *    boundaries (approximate substring matching, see align.ts), lev = lev(t, r);
 *  - similarity = 1 - lev / max(m, |r|)   (one minus the normalised edit distance, "NED" of CVTG-2K /
 *    TextCrafter, Du et al. 2025, and the edit-distance part of OneIG-Bench's text score, Chang et al.
 *    2025), over all candidates the highest (ties: fewer lines);
 *  - found = (lev = 0): every letter and digit read, in order, with nothing inserted;
 *  - word accuracy = correct words / words of t, a word being correct when each of its characters was
 *    read exactly at its place with nothing inserted inside it; in cjk mode each character is a word.
 *    This is the per-string form of the word accuracy of CVTG-2K and OneIG-Bench ("WAC") and of
 *    LongText-Bench's text accuracy (words for English, characters for Chinese), except that a word
 *    only counts where it was read in place, not anywhere in the image;
 *  - read: the text of the region as recognised (NFKC), boxes: where it was read (each line of the
 *    region, narrowed to the region's part of the line by its share of the line's characters).
 *
 * Per image: score = the lowest similarity of its targets (the worst string decides whether the image
 * is right), found / total, and word accuracy = Σ correct words / Σ words (how the benchmarks pool
 * word accuracy over strings).
 *
 * Limits: identical targets are matched independently (two quoted "SALE" are both found by one
 * "SALE" in the image); punctuation and symbols are not checked (as in the benchmarks).
 */
import { extractGlyphTexts, type TextCheckResult, type TextTargetResult } from '../../contract';
import { alignWithin } from './align';
import type { Point, Quad } from './geometry';
import { normalizeText, textMode, wordSpans, type NormalizedText, type TextMode } from './text-normalize';

export type { TextCheckResult, TextCheckStatus, TextTargetResult } from '../../contract';

/** A line read from the image (what OcrReader returns). */
export interface ReadLine {
  text: string;
  box: Quad;
}

interface LineGeometry {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  cy: number;
  h: number;
}

function geometry(q: Quad): LineGeometry {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  const h = Math.max(1, (Math.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1]) + Math.hypot(q[2][0] - q[1][0], q[2][1] - q[1][1])) / 2);
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0, y1, cy: (y0 + y1) / 2, h };
}

/** May line b continue line a (same row to the right, or the next row below, overlapping it)? */
export function continues(a: Quad, b: Quad): boolean {
  const ga = geometry(a);
  const gb = geometry(b);
  const hMin = Math.min(ga.h, gb.h);
  const hMax = Math.max(ga.h, gb.h);
  const sameRow = Math.abs(ga.cy - gb.cy) < 0.5 * hMin && gb.x0 >= ga.x1 - 0.5 * hMin && gb.x0 - ga.x1 < 2 * hMax;
  const gapBelow = gb.y0 - ga.y1;
  const below = gb.cy > ga.cy && gapBelow > -0.5 * hMin && gapBelow < 1.5 * hMax && Math.min(ga.x1, gb.x1) - Math.max(ga.x0, gb.x0) > 0;
  return sameRow || below;
}

const MAX_CHAIN = 12;
const MAX_CANDIDATES = 5000;

/** Chains of lines to compare a target of `targetLength` characters with: each line, extended by following lines until long enough. */
function candidateChains(lines: readonly ReadLine[], lengths: readonly number[], targetLength: number): number[][] {
  const next = lines.map((a, i) => lines.map((b, j) => (i !== j && continues(a.box, b.box) ? j : -1)).filter((j) => j >= 0));
  const chains: number[][] = [];
  const walk = (chain: number[], length: number) => {
    if (chains.length >= MAX_CANDIDATES) return;
    chains.push(chain);
    if (length >= targetLength || chain.length >= MAX_CHAIN) return;
    for (const j of next[chain[chain.length - 1]!]!) if (!chain.includes(j)) walk([...chain, j], length + lengths[j]!);
  };
  lines.forEach((_, i) => walk([i], lengths[i]!));
  return chains;
}

function lerp(a: Point, b: Point, f: number): Point {
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f)];
}

/** The part of a line box between fractions f0..f1 of its length. */
function partOfBox(q: Quad, f0: number, f1: number): Quad {
  if (f0 <= 0.02 && f1 >= 0.98) return q;
  return [lerp(q[0], q[1], f0), lerp(q[0], q[1], f1), lerp(q[3], q[2], f1), lerp(q[3], q[2], f0)];
}

interface Match {
  similarity: number;
  distance: number;
  chain: number[];
  norm: NormalizedText;
  start: number;
  end: number;
  exact: boolean[];
  inserted: number[];
}

function scoreTarget(target: string, t: NormalizedText, mode: TextMode, lines: readonly ReadLine[], lineNfkc: readonly string[][]): TextTargetResult {
  const m = t.chars.length;
  const lengths = lines.map((l) => normalizeText(l.text, mode).chars.length);
  let best: Match | null = null;
  for (const chain of candidateChains(lines, lengths, m)) {
    const joined = chain.map((i) => lineNfkc[i]!.join('')).join(' ');
    const c = normalizeText(joined, mode);
    if (c.chars.length === 0) continue;
    const a = alignWithin(t.chars, c.chars, c.boundary, c.boundary);
    const similarity = 1 - a.distance / Math.max(m, a.end - a.start);
    if (!best || similarity > best.similarity || (similarity === best.similarity && chain.length < best.chain.length)) {
      best = { similarity, chain, norm: c, ...a };
    }
  }
  const spans = wordSpans(t);
  const base = { target, normalized: t.text, mode, words: spans.length };
  if (!best || best.end <= best.start) {
    return { ...base, found: false, similarity: 0, correctWords: 0, wordAccuracy: 0, read: null, lines: [], boxes: [] };
  }
  const { exact, inserted } = best;
  const correctWords = spans.filter(([s, e]) => {
    for (let k = s; k < e; k++) if (!exact[k]) return false;
    for (let g = s + 1; g < e; g++) if (inserted[g]! > 0) return false;
    return true;
  }).length;
  // map the region back to the lines: source indices in the joined NFKC text → (line, offset)
  const srcFirst = best.norm.source[best.start]!;
  const srcLast = best.norm.source[best.end - 1]!;
  const read = best.norm.nfkc.slice(srcFirst, srcLast + 1).join('');
  const used: number[] = [];
  const boxes: Quad[] = [];
  const kept = best.norm.source;
  let offset = 0;
  for (const i of best.chain) {
    const len = lineNfkc[i]!.length;
    const lo = Math.max(srcFirst, offset);
    const hi = Math.min(srcLast + 1, offset + len);
    if (hi > lo) {
      // the region reaching the line's first (last) letter or digit covers the line from its start (to its end)
      const inLine = kept.filter((s) => s >= offset && s < offset + len);
      const f0 = lo <= inLine[0]! ? 0 : (lo - offset) / len;
      const f1 = hi > inLine[inLine.length - 1]! ? 1 : (hi - offset) / len;
      used.push(i);
      boxes.push(partOfBox(lines[i]!.box, f0, f1));
    }
    offset += len + 1;
  }
  return {
    ...base,
    found: best.distance === 0,
    similarity: best.similarity,
    correctWords,
    wordAccuracy: spans.length > 0 ? correctWords / spans.length : 0,
    read,
    lines: used,
    boxes,
  };
}

/** Score the given target strings against the lines read from an image. */
export function scoreTextCheck(targets: readonly string[], lines: readonly ReadLine[]): TextCheckResult {
  const lineNfkc = lines.map((l) => [...l.text.normalize('NFKC')]);
  const results: TextTargetResult[] = [];
  const skipped: string[] = [];
  for (const target of targets) {
    const mode = textMode(target);
    const t = normalizeText(target, mode);
    if (t.chars.length === 0) {
      skipped.push(target);
      continue;
    }
    results.push(scoreTarget(target, t, mode, lines, lineNfkc));
  }
  if (results.length === 0) {
    return {
      status: 'no_targets',
      message:
        targets.length === 0
          ? 'The prompt quotes no text, so there is nothing to check. Put the words to draw in quotes.'
          : 'The quoted strings of the prompt have no letters or digits to check.',
      targets: [],
      skipped,
      score: null,
      found: 0,
      total: 0,
      wordAccuracy: null,
    };
  }
  const found = results.filter((r) => r.found).length;
  const words = results.reduce((s, r) => s + r.words, 0);
  const correct = results.reduce((s, r) => s + r.correctWords, 0);
  const misses = results.filter((r) => !r.found);
  const message =
    misses.length === 0
      ? `All ${results.length} quoted string${results.length === 1 ? ' was' : 's were'} read in the image.`
      : lines.length === 0
        ? `No text was read in the image; ${misses.length} of ${results.length} quoted string${results.length === 1 ? ' is' : 's are'} missing.`
        : `${misses.length} of ${results.length} quoted string${results.length === 1 ? ' was' : 's were'} not read as written: ${misses
            .map((r) => `"${r.target}" (${r.read === null ? 'not found' : `read "${r.read}"`})`)
            .join(', ')}.`;
  return {
    status: misses.length === 0 ? 'ok' : 'issues',
    message,
    targets: results,
    skipped,
    score: Math.min(...results.map((r) => r.similarity)),
    found,
    total: results.length,
    wordAccuracy: words > 0 ? correct / words : null,
  };
}

/** Score the strings a prompt quotes (by the engine's quote rule) against the lines read from its image. */
export function checkPromptText(prompt: string, lines: readonly ReadLine[]): TextCheckResult {
  return scoreTextCheck(extractGlyphTexts(prompt), lines);
}

/** The strings of a prompt the text check looks for (the glyph encoder's quoted strings). */
export function textTargets(prompt: string): string[] {
  return extractGlyphTexts(prompt);
}
