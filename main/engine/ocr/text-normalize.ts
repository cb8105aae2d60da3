/**
 * Text as the text check compares it, following the text-rendering benchmarks' normalisation
 * (OneIG-Bench's and LongText-Bench's preprocess_string; CVTG-2K scores the same way): Unicode NFKC
 * (full-width letters and digits become ASCII, compatibility forms fold), Latin case-folded to lower
 * case, punctuation and symbols (Unicode P* and S*) dropped, and whitespace:
 *
 *  - "latin" mode (the target has no Han, Hiragana or Katakana): words are kept apart. The characters
 *    are compared without their spaces (the recognizer drops or adds narrow spaces, and "GRAND OPENING"
 *    read as "GRANDOPENING" is not a rendering error), but where words start and end is kept as
 *    boundaries: a match must begin and end on one, so "CAT" is not found inside "CATALOG".
 *  - "cjk" mode (the target has Han, Hiragana or Katakana characters, which are written without
 *    spaces): all whitespace is dropped and every position is a boundary.
 *
 * Punctuation and symbols separate words like spaces do ("7am-9pm" is two words). Dropping them, as the
 * benchmarks do, means "$9.99" and "999" compare equal: the check is about letters and digits.
 * Each kept character remembers where it came from in the NFKC form of the input, so a match can be
 * shown as the text that was read.
 */

export type TextMode = 'latin' | 'cjk';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const DROPPED = /[\p{P}\p{S}]/u;
const SPACE = /\s/u;

export interface NormalizedText {
  /** The NFKC form of the input, as code points (what `source` indexes). */
  nfkc: string[];
  /** Kept characters (code points), lower-cased, without spaces and punctuation. */
  chars: string[];
  /** For each kept character, its index in `nfkc`. */
  source: number[];
  /** boundary[k] for k in 0..chars.length: may a match start or end before chars[k] (k = length: at the end)? */
  boundary: boolean[];
  /** chars.join('') */
  text: string;
}

export function textMode(text: string): TextMode {
  return CJK.test(text.normalize('NFKC')) ? 'cjk' : 'latin';
}

function isCjk(ch: string): boolean {
  return CJK.test(ch);
}

/** Normalise `text` for comparison in `mode` (a target's mode; a text read from the image is normalised in the mode of the target it is compared with). */
export function normalizeText(text: string, mode: TextMode): NormalizedText {
  const nfkc = [...text.normalize('NFKC')];
  const chars: string[] = [];
  const source: number[] = [];
  const boundary: boolean[] = [];
  let gap = true; // a space or punctuation since the last kept character (the start counts as one)
  nfkc.forEach((cp, index) => {
    for (const ch of cp.toLowerCase()) {
      if (SPACE.test(ch) || DROPPED.test(ch)) {
        gap = true;
        continue;
      }
      const prev = chars[chars.length - 1];
      boundary.push(mode === 'cjk' || gap || (prev !== undefined && (isCjk(prev) || isCjk(ch))));
      chars.push(ch);
      source.push(index);
      gap = false;
    }
  });
  boundary.push(true);
  return { nfkc, chars, source, boundary, text: chars.join('') };
}

/** The words of a normalised text: runs of characters between boundaries (each character in cjk mode). */
export function wordSpans(n: NormalizedText): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start = 0;
  for (let k = 1; k <= n.chars.length; k++) {
    if (n.boundary[k]) {
      if (k > start) spans.push([start, k]);
      start = k;
    }
  }
  return spans;
}
