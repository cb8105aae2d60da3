/**
 * Logits processors of the AR sampler, each one small rule, composed by LogitsProcessorList and
 * applied in place to one step's logits (a Float32Array over the vision vocabulary). Shape after
 * transformers.js generation/logits_process.js; our own code.
 *
 * Reference order (transformers generate with do_sample): temperature → top-k → top-p. Ours puts
 * the codebook mask (ids outside the codebook cannot fill a grid cell) before those, and the forced
 * tokens of a masked edit (a cell whose id is fixed) after them.
 */
import type { CellRef } from './grid-plan';

export interface StepContext {
  /** Index of the generated token about to be chosen. */
  step: number;
  /** The grid cell it fills, or null at the end step. */
  cell: CellRef | null;
}

export interface LogitsProcessor {
  readonly name: string;
  apply(logits: Float32Array, ctx: StepContext): void;
}

export class LogitsProcessorList implements LogitsProcessor {
  readonly name = 'list';
  readonly processors: LogitsProcessor[];
  constructor(processors: LogitsProcessor[] = []) {
    this.processors = processors;
  }
  push(p: LogitsProcessor): this {
    this.processors.push(p);
    return this;
  }
  apply(logits: Float32Array, ctx: StepContext): void {
    for (const p of this.processors) p.apply(logits, ctx);
  }
}

/** Divides the logits by the temperature (> 0). */
export class TemperatureWarper implements LogitsProcessor {
  readonly name = 'temperature';
  constructor(readonly temperature: number) {
    if (!(temperature > 0) || !Number.isFinite(temperature)) {
      throw new RangeError(`temperature must be a positive number, got ${temperature}`);
    }
  }
  apply(logits: Float32Array): void {
    if (this.temperature === 1) return;
    // float32 division, as torch does on float32 scores
    const t = Math.fround(this.temperature);
    for (let i = 0; i < logits.length; i++) logits[i] = Math.fround(logits[i] / t);
  }
}

/** Keeps the k highest logits (ties at the k-th value are kept, as torch.topk's threshold rule). */
export class TopKWarper implements LogitsProcessor {
  readonly name = 'top-k';
  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`top-k must be a positive integer, got ${k}`);
  }
  apply(logits: Float32Array): void {
    if (this.k >= logits.length) return;
    const sorted = Float32Array.from(logits).sort(); // ascending
    const threshold = sorted[sorted.length - this.k];
    for (let i = 0; i < logits.length; i++) if (logits[i] < threshold) logits[i] = -Infinity;
  }
}

/**
 * Nucleus filter with the reference's boundary rule (transformers TopPLogitsWarper): sort the logits
 * ascending, take the cumulative softmax, and remove every token whose cumulative probability is
 * <= 1 - top_p. The token that crosses the boundary is kept, and so are the `minTokensToKeep`
 * most likely tokens. Ties keep their index order (stable sort), as torch's sort on CPU: among equal
 * logits the higher index counts as the more likely.
 *
 * Read from the top, the same rule keeps a token while the mass of the tokens above it is < top_p.
 * That set is found by partial selection instead of a sort: three-way partitions of the candidate
 * indices (an Int32Array kept between calls) around a pivot logit, descending only into the part
 * where the mass reaches top_p, so a step costs a few passes over the vocabulary and allocates
 * nothing. Then one pass removes everything below the boundary logit (and the tied tokens of lower
 * index than the last one kept).
 */
export class TopPWarper implements LogitsProcessor {
  readonly name = 'top-p';
  private idx = new Int32Array(0);
  private weight = new Float64Array(0);

  constructor(
    readonly topP: number,
    readonly minTokensToKeep = 1,
  ) {
    if (!(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${topP}`);
  }

  apply(logits: Float32Array): void {
    if (this.topP >= 1) return;
    const n = logits.length;
    if (this.idx.length < n) {
      this.idx = new Int32Array(n);
      this.weight = new Float64Array(n);
    }
    const idx = this.idx;
    const w = this.weight;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
    if (max === -Infinity || Number.isNaN(max)) return;
    // candidates: the tokens that can still be sampled
    let m = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = logits[i];
      if (v === -Infinity) continue;
      const e = Math.exp(v - max);
      w[i] = e;
      total += e;
      idx[m++] = i;
    }
    const cut = this.boundary(logits, m, this.topP * total);
    const keepAtLeast = Math.min(this.minTokensToKeep, m);
    if (cut.count < keepAtLeast) {
      // min_tokens_to_keep beyond the nucleus: widen to the top keepAtLeast (same tie order)
      const wider = this.boundary(logits, m, Infinity, keepAtLeast);
      cut.value = wider.value;
      cut.tieFrom = wider.tieFrom;
    }
    for (let i = 0; i < n; i++) {
      const v = logits[i];
      if (v < cut.value || (v === cut.value && i < cut.tieFrom)) logits[i] = -Infinity;
    }
  }

  /**
   * The boundary of the most likely set: the smallest set (by logit, ties by higher index) whose
   * weight reaches `target`, or of exactly `count` tokens. Returns its lowest logit, the lowest index
   * kept among the tokens with that logit, and the set's size.
   */
  private boundary(logits: Float32Array, m: number, target: number, count = Infinity): { value: number; tieFrom: number; count: number } {
    const idx = this.idx;
    const w = this.weight;
    let lo = 0;
    let hi = m;
    let kept = 0;
    let keptCount = 0;
    for (;;) {
      if (lo >= hi) {
        // every candidate fits below the target: the set is all of them
        let low = Infinity;
        let tieFrom = 0;
        for (let j = 0; j < m; j++) {
          const v = logits[idx[j]];
          if (v < low || (v === low && idx[j] < tieFrom)) {
            low = v;
            tieFrom = idx[j];
          }
        }
        return { value: low, tieFrom, count: m };
      }
      // pivot: the middle of three logits of the range
      const a = logits[idx[lo]];
      const b = logits[idx[(lo + hi) >> 1]];
      const c = logits[idx[hi - 1]];
      const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
      // three-way partition of [lo, hi): greater | equal | less
      let gt = lo;
      let i = lo;
      let lt = hi;
      let sumGt = 0;
      let sumEq = 0;
      while (i < lt) {
        const t = idx[i];
        const v = logits[t];
        if (v > pivot) {
          idx[i] = idx[gt];
          idx[gt++] = t;
          sumGt += w[t];
          i++;
        } else if (v < pivot) {
          idx[i] = idx[--lt];
          idx[lt] = t;
        } else {
          sumEq += w[t];
          i++;
        }
      }
      const nGt = gt - lo;
      const nEq = lt - gt;
      if (kept + sumGt >= target || keptCount + nGt >= count) {
        hi = gt; // the boundary lies among the greater ones
        continue;
      }
      if (kept + sumGt + sumEq >= target || keptCount + nGt + nEq >= count) {
        // the boundary is at the pivot logit: tied tokens count from the highest index down
        kept += sumGt;
        keptCount += nGt;
        const ties = idx.subarray(gt, lt).sort();
        let j = ties.length - 1;
        for (; j > 0; j--) {
          kept += w[ties[j]];
          keptCount++;
          if (kept >= target || keptCount >= count) break;
        }
        if (j === 0) keptCount++;
        return { value: pivot, tieFrom: ties[j], count: keptCount };
      }
      kept += sumGt + sumEq;
      keptCount += nGt + nEq;
      lo = lt;
    }
  }
}

/**
 * While a grid cell is being filled, ids outside the codebook (image start/end, the spare vision
 * slots) are impossible: the DiT has one embedding row per codebook entry. The reference does not
 * mask them (a random id there would crash its DiT); we do.
 */
export class CodebookMaskProcessor implements LogitsProcessor {
  readonly name = 'codebook-mask';
  constructor(readonly codebookSize: number) {}
  apply(logits: Float32Array, ctx: StepContext): void {
    if (ctx.cell === null) return;
    logits.fill(-Infinity, Math.min(this.codebookSize, logits.length));
  }
}

/** Id fixed for some cells, e.g. the unmasked area of a masked edit: cell → id, per grid role. */
export interface ForcedCells {
  target?: ReadonlyMap<number, number>;
  preview?: ReadonlyMap<number, number>;
}

/**
 * Forced tokens: where a cell has a fixed id, every other logit becomes -inf, so sampling can only
 * pick it (one random draw is still made, so forcing never shifts the random stream).
 */
export class ForcedTokensProcessor implements LogitsProcessor {
  readonly name = 'forced-tokens';
  constructor(readonly forced: ForcedCells) {}
  forcedId(ctx: StepContext): number | undefined {
    if (ctx.cell === null) return undefined;
    return this.forced[ctx.cell.grid.role]?.get(ctx.cell.cell);
  }
  apply(logits: Float32Array, ctx: StepContext): void {
    const id = this.forcedId(ctx);
    if (id === undefined) return;
    if (!Number.isInteger(id) || id < 0 || id >= logits.length) {
      throw new RangeError(`forced token ${id} for cell ${ctx.cell?.cell} is outside the vocabulary 0..${logits.length - 1}`);
    }
    logits.fill(-Infinity);
    logits[id] = 0;
  }
}
