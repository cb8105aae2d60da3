/**
 * Where a target text best fits inside a longer text, by edit distance (Levenshtein: insertions,
 * deletions and substitutions of one character each cost 1).
 *
 * This is approximate substring matching (Sellers 1980): the target t (m characters) is aligned with
 * a region c[start, end) of the candidate c chosen to minimise lev(t, c[start, end)). The region may
 * only start and end at allowed positions (word boundaries, see text-normalize). Dynamic programme:
 *   D[0][j] = 0 if j is an allowed start, else D[0][j-1] + 1
 *   D[i][0] = i
 *   D[i][j] = min(D[i-1][j-1] + [t_i != c_j], D[i-1][j] + 1, D[i][j-1] + 1)
 *   distance = min over allowed ends j of D[m][j]   (ties: the region closest to m characters)
 * and the traceback gives, per target character, whether it was read exactly, and where extra
 * characters were read between target characters. With every position allowed and c = the region,
 * distance is the plain Levenshtein distance.
 */

export interface Alignment {
  distance: number;
  /** The region of the candidate aligned with the target: [start, end). */
  start: number;
  end: number;
  /** Per target character: read exactly at its place. */
  exact: boolean[];
  /** inserted[g] for g in 0..m: candidate characters read between target characters g-1 and g. */
  inserted: number[];
}

export function levenshtein(a: readonly string[], b: readonly string[]): number {
  const only = (k: number) => Array.from({ length: b.length + 1 }, (_, j) => j === k);
  return alignWithin(a, b, only(0), only(b.length)).distance;
}

/** Align target with the best allowed region of candidate; starts/ends have candidate.length + 1 entries (position 0 must be an allowed start). */
export function alignWithin(target: readonly string[], candidate: readonly string[], starts: readonly boolean[], ends: readonly boolean[]): Alignment {
  const m = target.length;
  const n = candidate.length;
  if (starts.length !== n + 1 || ends.length !== n + 1) throw new RangeError('alignWithin: starts/ends need one entry per candidate position');
  if (!starts[0]) throw new RangeError('alignWithin: position 0 must be an allowed start');
  const W = n + 1;
  const D = new Int32Array((m + 1) * W);
  const S = new Int32Array((m + 1) * W); // start of the region of the best path to (i, j)
  for (let j = 0; j <= n; j++) {
    if (starts[j]) {
      D[j] = 0;
      S[j] = j;
    } else {
      D[j] = D[j - 1]! + 1;
      S[j] = S[j - 1]!;
    }
  }
  for (let i = 1; i <= m; i++) {
    const row = i * W;
    const up = row - W;
    D[row] = i;
    S[row] = 0;
    const ti = target[i - 1];
    for (let j = 1; j <= n; j++) {
      let best = D[up + j - 1]! + (ti === candidate[j - 1] ? 0 : 1);
      let s = S[up + j - 1]!;
      const del = D[up + j]! + 1;
      if (del < best) {
        best = del;
        s = S[up + j]!;
      }
      const ins = D[row + j - 1]! + 1;
      if (ins < best) {
        best = ins;
        s = S[row + j - 1]!;
      }
      D[row + j] = best;
      S[row + j] = s;
    }
  }
  let end = -1;
  for (let j = 0; j <= n; j++) {
    if (!ends[j]) continue;
    const d = D[m * W + j]!;
    const off = Math.abs(j - S[m * W + j]! - m);
    if (end < 0 || d < D[m * W + end]! || (d === D[m * W + end]! && off < Math.abs(end - S[m * W + end]! - m))) end = j;
  }
  if (end < 0) throw new RangeError('alignWithin: no allowed end');
  const distance = D[m * W + end]!;
  // traceback
  const exact = new Array<boolean>(m).fill(false);
  const inserted = new Array<number>(m + 1).fill(0);
  let i = m;
  let j = end;
  while (i > 0 || (j > 0 && !(starts[j] && D[j] === 0 && i === 0))) {
    const here = D[i * W + j]!;
    if (i > 0 && j > 0 && here === D[(i - 1) * W + j - 1]! + (target[i - 1] === candidate[j - 1] ? 0 : 1)) {
      exact[i - 1] = target[i - 1] === candidate[j - 1];
      i--;
      j--;
    } else if (i > 0 && here === D[(i - 1) * W + j]! + 1) {
      i--;
    } else {
      inserted[i]!++;
      j--;
    }
  }
  // characters before the region (row 0 walked left) are not part of it
  return { distance, start: j, end, exact, inserted };
}
