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
 * most likely tokens. Ties keep their index order (stable sort), as torch's sort on CPU.
 */
export class TopPWarper implements LogitsProcessor {
  readonly name = 'top-p';
  constructor(
    readonly topP: number,
    readonly minTokensToKeep = 1,
  ) {
    if (!(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${topP}`);
  }
  apply(logits: Float32Array): void {
    if (this.topP >= 1) return;
    const n = logits.length;
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => logits[a] - logits[b] || a - b);
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
    if (max === -Infinity) return;
    const probs = new Float64Array(n);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const p = Math.exp(logits[order[j]] - max);
      probs[j] = p;
      total += p;
    }
    const cutoff = 1 - this.topP;
    let cum = 0;
    const keepFrom = n - this.minTokensToKeep;
    for (let j = 0; j < n; j++) {
      cum += probs[j] / total;
      if (j >= keepFrom) break;
      if (cum <= cutoff) logits[order[j]] = -Infinity;
      else break; // cumulative sums only grow: everything after is kept
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
