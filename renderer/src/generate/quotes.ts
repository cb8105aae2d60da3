/**
 * The prompt cut into plain and quoted runs for highlighting, by the one quote rule
 * (main/contract/quotes.ts, which the engine's glyph encoder uses too).
 */
import { quotedRanges } from '../../../main/contract';

export { quotedRanges, type QuotedRange } from '../../../main/contract';

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
