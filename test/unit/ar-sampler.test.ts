/** The AR sampler's pieces, each alone, and the loop's bookkeeping with a scripted model. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GlimmerError } from '../../main/contract';
import {
  AbortCriterion,
  type ArStepModel,
  CodebookMaskProcessor,
  ForcedTokensProcessor,
  GridPlan,
  generateImageTokens,
  type GenerateOptions,
  LogitsProcessorList,
  sampleToken,
  type StepContext,
  TemperatureWarper,
  type TokenEvent,
  TopKWarper,
  TopPWarper,
  upsampleNearest2x,
} from '../../main/engine/ar';
import { Positions3D, ropeIndex } from '../../main/engine/processor';
import { createRng } from '../../main/engine/random';

const plan = new GridPlan([
  { h: 2, w: 3 },
  { h: 2, w: 2 },
]);
const inGrid: StepContext = { step: 0, cell: plan.cellAt(0) };
const atEnd: StepContext = { step: plan.cells, cell: null };

/** A random source that replays the given numbers and counts draws. */
function replay(values: number[]) {
  let i = 0;
  return {
    draws: () => i,
    nextFloat: () => {
      if (i >= values.length) throw new Error('out of values');
      return values[i++];
    },
  };
}

function kept(l: Float32Array): number[] {
  return Array.from(l.keys()).filter((i) => l[i] !== -Infinity);
}

describe('TemperatureWarper', () => {
  test('divides every logit (float32)', () => {
    const l = Float32Array.from([1, -2, 0.5]);
    new TemperatureWarper(0.5).apply(l);
    assert.deepEqual(Array.from(l), [2, -4, 1]);
  });
  test('rejects temperatures that are not positive', () => {
    assert.throws(() => new TemperatureWarper(0), RangeError);
    assert.throws(() => new TemperatureWarper(-1), RangeError);
    assert.throws(() => new TemperatureWarper(Number.NaN), RangeError);
  });
});

describe('TopPWarper (reference boundary rule)', () => {
  test('uniform 4: a token whose cumulative mass equals 1 - top_p exactly is removed', () => {
    // ascending cumulative masses are exactly 0.25, 0.5, 0.75, 1 (powers of two)
    const cases: Array<[number, number[]]> = [
      [0.5, [2, 3]], // cutoff 0.5: cum 0.25 and 0.5 removed (<=)
      [0.6, [1, 2, 3]], // cutoff 0.4: only cum 0.25 removed; the crossing token is kept
      [0.75, [1, 2, 3]], // cutoff 0.25: cum 0.25 removed
      [0.76, [0, 1, 2, 3]], // cutoff 0.24: nothing at or below it
      [0.25, [3]],
    ];
    for (const [p, want] of cases) {
      const l = new Float32Array(4);
      new TopPWarper(p).apply(l);
      assert.deepEqual(kept(l), want, `top_p ${p}`);
    }
  });

  test('keeps the smallest most-likely set whose mass reaches top_p', () => {
    const rng = createRng(7, 'test');
    for (let trial = 0; trial < 50; trial++) {
      const n = 5 + (trial % 40);
      const l = Float32Array.from({ length: n }, () => 4 * rng.nextDouble() - 2);
      const p = 0.05 + 0.9 * rng.nextDouble();
      const probs = Array.from(l, (v) => Math.exp(v));
      const z = probs.reduce((a, b) => a + b, 0);
      const out = Float32Array.from(l);
      new TopPWarper(p).apply(out);
      const keep = kept(out);
      const mass = keep.reduce((s, i) => s + probs[i] / z, 0);
      assert.ok(mass >= p - 1e-12, 'kept mass reaches top_p');
      const minKept = Math.min(...keep.map((i) => l[i]));
      const massAbove = keep.filter((i) => l[i] > minKept).reduce((s, i) => s + probs[i] / z, 0);
      assert.ok(massAbove < p + 1e-12, 'dropping the least likely kept token would fall short');
      for (let i = 0; i < n; i++) if (!keep.includes(i)) assert.ok(l[i] <= minKept, 'only less likely tokens are removed');
      for (const i of keep) assert.equal(out[i], l[i], 'kept logits unchanged');
    }
  });

  test('always keeps min_tokens_to_keep', () => {
    const l = Float32Array.from([10, 0, 0, 0]);
    new TopPWarper(0.01).apply(l);
    assert.deepEqual(kept(l), [0]);
    const m = Float32Array.from([10, 0, 0, 0]);
    new TopPWarper(0.01, 2).apply(m);
    assert.equal(kept(m).length, 2);
  });

  test('top_p 1 is a no-op; bad values are refused', () => {
    const l = Float32Array.from([1, 2, 3]);
    new TopPWarper(1).apply(l);
    assert.deepEqual(Array.from(l), [1, 2, 3]);
    assert.throws(() => new TopPWarper(0), RangeError);
    assert.throws(() => new TopPWarper(1.5), RangeError);
  });
});

describe('TopKWarper', () => {
  test('keeps the k largest', () => {
    const l = Float32Array.from([0.1, 3, -1, 2, 2.5]);
    new TopKWarper(2).apply(l);
    assert.deepEqual(kept(l), [1, 4]);
  });
});

describe('CodebookMaskProcessor', () => {
  test('masks ids >= codebook while a grid cell is being filled, not at the end step', () => {
    const l = Float32Array.from({ length: 10 }, (_, i) => i);
    new CodebookMaskProcessor(6).apply(l, inGrid);
    assert.deepEqual(kept(l), [0, 1, 2, 3, 4, 5]);
    const e = Float32Array.from({ length: 10 }, (_, i) => i);
    new CodebookMaskProcessor(6).apply(e, atEnd);
    assert.equal(kept(e).length, 10);
  });
});

describe('ForcedTokensProcessor', () => {
  const proc = new ForcedTokensProcessor({ target: new Map([[1, 4]]), preview: new Map([[0, 2]]) });
  test('a forced cell can only take its id; the sampler picks it whatever the random number', () => {
    const previewCell0: StepContext = { step: 0, cell: plan.cellAt(0) };
    const targetCell1: StepContext = { step: 7, cell: plan.cellAt(7) };
    assert.equal(targetCell1.cell?.grid.role, 'target');
    assert.equal(targetCell1.cell?.cell, 1);
    for (const [ctx, id] of [
      [previewCell0, 2],
      [targetCell1, 4],
    ] as const) {
      for (const u of [0, 0.5, 0.999999]) {
        const l = Float32Array.from({ length: 8 }, (_, i) => -i);
        proc.apply(l, ctx);
        const r = replay([u]);
        assert.equal(sampleToken(l, r), id);
        assert.equal(r.draws(), 1, 'one draw per token, forced or not');
      }
    }
  });
  test('other cells and the end step are untouched', () => {
    for (const ctx of [{ step: 6, cell: plan.cellAt(6) }, atEnd]) {
      const l = Float32Array.from({ length: 8 }, (_, i) => -i);
      proc.apply(l, ctx);
      assert.equal(kept(l).length, 8);
    }
  });
});

describe('sampleToken', () => {
  test('inverse CDF in index order', () => {
    const l = new Float32Array(4); // 0.25 each
    const at = (u: number) => sampleToken(Float32Array.from(l), replay([u]));
    assert.equal(at(0), 0);
    assert.equal(at(0.2499), 0);
    assert.equal(at(0.25), 1);
    assert.equal(at(0.74), 2);
    assert.equal(at(0.9999999), 3);
  });
  test('never picks a removed token', () => {
    const l = Float32Array.from([-Infinity, 0, -Infinity, 0]);
    for (const u of [0, 0.3, 0.5, 0.99]) assert.notEqual(sampleToken(l, replay([u])) % 2, 0);
  });
  test('frequencies follow the softmax', () => {
    const probs = [0.1, 0.2, 0.7];
    const l = Float32Array.from(probs, Math.log);
    const rng = createRng(3, 'ar');
    const counts = [0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[sampleToken(l, rng)]++;
    probs.forEach((p, i) => assert.ok(Math.abs(counts[i] / n - p) < 0.015, `token ${i}: ${counts[i] / n} vs ${p}`));
  });
  test('seeded: same seed, same tokens; another seed, other tokens', () => {
    const l = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const draw = (seed: number) => {
      const rng = createRng(seed, 'ar');
      return Array.from({ length: 50 }, () => sampleToken(l, rng));
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });
  test('nothing to sample is an error', () => {
    assert.throws(() => sampleToken(Float32Array.from([-Infinity, -Infinity]), replay([0.5])));
  });
});

describe('LogitsProcessorList', () => {
  test('applies in order', () => {
    const seen: string[] = [];
    const list = new LogitsProcessorList([
      { name: 'a', apply: () => void seen.push('a') },
      { name: 'b', apply: () => void seen.push('b') },
    ]);
    list.apply(new Float32Array(1), inGrid);
    assert.deepEqual(seen, ['a', 'b']);
  });
});

describe('GridPlan and upsample', () => {
  test('cells map to preview then target, then the end step', () => {
    assert.equal(plan.cells, 10);
    assert.equal(plan.cellAt(0)?.grid.role, 'preview');
    assert.deepEqual([plan.cellAt(5)?.row, plan.cellAt(5)?.col], [1, 2]);
    assert.equal(plan.cellAt(6)?.grid.role, 'target');
    assert.equal(plan.cellAt(6)?.cell, 0);
    assert.equal(plan.cellAt(10), null);
    assert.throws(() => plan.cellAt(11), RangeError);
  });
  test('nearest 2x upsample repeats every id over a 2x2 block', () => {
    const { ids, shape } = upsampleNearest2x([1, 2, 3, 4, 5, 6], { h: 2, w: 3 });
    assert.deepEqual(shape, { h: 4, w: 6 });
    for (let r = 0; r < 4; r++) for (let c = 0; c < 6; c++) assert.equal(ids[r * 6 + c], 1 + (r >> 1) * 3 + (c >> 1));
  });
});

/** A stand-in for the ONNX model: logits that depend on the cached length and the last token. */
class ScriptedModel implements ArStepModel {
  readonly vocabSize = 20;
  cachedTokens = 0;
  calls: number[][] = [];
  positions: Positions3D[] = [];
  constructor(private readonly bias: (len: number) => Partial<Record<number, number>> = () => ({})) {}
  reset(): void {
    this.cachedTokens = 0;
    this.calls = [];
  }
  async forward(ids: ArrayLike<number>, positions: Positions3D): Promise<Float32Array> {
    this.calls.push(Array.from(ids));
    this.positions.push(positions);
    this.cachedTokens += ids.length;
    const l = Float32Array.from({ length: this.vocabSize }, (_, i) => Math.cos(i * 1.3 + this.cachedTokens * 0.7));
    for (const [k, v] of Object.entries(this.bias(this.cachedTokens))) l[Number(k)] = v as number;
    return l;
  }
}

const START = 900;
const END = 19;
const prompt = (() => {
  const inputIds = [5, 6, 7, START];
  const rope = ropeIndex({ inputIds, grids: [{ h: 2, w: 2 }, { h: 3, w: 2 }], imageStartId: START, imageEndId: END });
  return { inputIds, rope };
})();
const base = (seed = 1): GenerateOptions => ({ rng: createRng(seed, 'ar'), codebookSize: 16, endTokenId: END });

describe('generateImageTokens (scripted model)', () => {
  test('fills the preview grid, then the target grid, feeding each token at its decode position', async () => {
    const m = new ScriptedModel();
    const events: TokenEvent[] = [];
    let ended = 0;
    const r = await generateImageTokens(m, prompt, { ...base(), streamer: { put: (e) => events.push(e), end: () => ended++ } });
    assert.equal(r.tokens.length, 6 + 4);
    assert.deepEqual(r.preview?.shape, { h: 3, w: 2 });
    assert.deepEqual(r.target.shape, { h: 2, w: 2 });
    assert.deepEqual(Array.from(r.preview!.ids), r.tokens.slice(0, 6));
    assert.deepEqual(Array.from(r.target.ids), r.tokens.slice(6));
    assert.deepEqual(upsampleNearest2x(r.target.ids, r.target.shape).shape, { h: 4, w: 4 });
    assert.deepEqual(m.calls[0], prompt.inputIds);
    assert.equal(m.calls.length, 10, 'prefill + one decode per token except the last');
    for (let k = 1; k < m.calls.length; k++) {
      assert.deepEqual(m.calls[k], [r.tokens[k - 1]]);
      const p = m.positions[k];
      assert.deepEqual([p.t[0], p.h[0], p.w[0]], [prompt.rope.decode.t[k - 1], prompt.rope.decode.h[k - 1], prompt.rope.decode.w[k - 1]]);
    }
    assert.deepEqual(events.map((e) => e.grid), [...Array(6).fill('preview'), ...Array(4).fill('target')]);
    assert.deepEqual(events.map((e) => e.step + 1), Array.from({ length: 10 }, (_, i) => i + 1));
    assert.ok(events.every((e) => e.total === 10));
    assert.equal(ended, 1);
    assert.ok(r.tokens.every((t) => t >= 0 && t < 16));
  });

  test('the same seed gives the same tokens', async () => {
    const a = await generateImageTokens(new ScriptedModel(), prompt, base(5));
    const b = await generateImageTokens(new ScriptedModel(), prompt, base(5));
    const c = await generateImageTokens(new ScriptedModel(), prompt, base(6));
    assert.deepEqual(a.tokens, b.tokens);
    assert.notDeepEqual(a.tokens, c.tokens);
  });

  test('ids outside the codebook are never chosen inside a grid, even when the model prefers them', async () => {
    const m = new ScriptedModel(() => ({ 17: 50, 18: 49 }));
    const r = await generateImageTokens(m, prompt, base());
    assert.ok(r.tokens.every((t) => t < 16));
    await assert.rejects(
      generateImageTokens(new ScriptedModel(() => ({ 17: 50 })), prompt, { ...base(), maskOutsideCodebook: false }),
      (e: unknown) => e instanceof GlimmerError && e.code === 'internal' && /outside the codebook/.test(e.message),
    );
  });

  test('an end token inside a grid (mask off) stops with a clear error', async () => {
    await assert.rejects(
      generateImageTokens(new ScriptedModel(() => ({ [END]: 80 })), prompt, { ...base(), maskOutsideCodebook: false }),
      (e: unknown) => e instanceof GlimmerError && /stopped after 1 of 10/.test(e.message),
    );
  });

  test('forced cells override sampling without shifting the random stream', async () => {
    const forced = { target: new Map([[0, 3], [3, 9]]), preview: new Map([[5, 1]]) };
    const free = await generateImageTokens(new ScriptedModel(), prompt, base(9));
    const events: TokenEvent[] = [];
    const r = await generateImageTokens(new ScriptedModel(), prompt, { ...base(9), forced, streamer: { put: (e) => events.push(e), end() {} } });
    assert.equal(r.target.ids[0], 3);
    assert.equal(r.target.ids[3], 9);
    assert.equal(r.preview!.ids[5], 1);
    assert.deepEqual(events.filter((e) => e.forced).map((e) => e.step), [5, 6, 9]);
    // tokens before the first forced cell are unchanged
    assert.deepEqual(r.tokens.slice(0, 5), free.tokens.slice(0, 5));
    await assert.rejects(generateImageTokens(new ScriptedModel(), prompt, { ...base(), forced: { target: new Map([[4, 1]]) } }), GlimmerError);
    await assert.rejects(generateImageTokens(new ScriptedModel(), prompt, { ...base(), forced: { target: new Map([[0, 16]]) } }), GlimmerError);
  });

  test('teacher forcing emits the given tokens and draws nothing', async () => {
    const teacher = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const r = await generateImageTokens(new ScriptedModel(), prompt, {
      ...base(),
      rng: { nextFloat: () => assert.fail('no draws') },
      teacherTokens: teacher,
      sampleEndStep: true,
    });
    assert.deepEqual(r.tokens, teacher);
    assert.equal(r.endToken, 11);
  });

  test('cancellation between tokens: GlimmerError cancelled, streamer ended', async () => {
    const ac = new AbortController();
    let ended = 0;
    const m = new ScriptedModel();
    await assert.rejects(
      generateImageTokens(m, prompt, {
        ...base(),
        signal: ac.signal,
        streamer: {
          put: (e) => {
            if (e.step === 2) ac.abort();
          },
          end: () => ended++,
        },
      }),
      (e: unknown) => e instanceof GlimmerError && e.code === 'cancelled',
    );
    assert.equal(m.calls.length, 3, 'no model call after the abort');
    assert.equal(ended, 1);
    const pre = new AbortController();
    pre.abort();
    const m2 = new ScriptedModel();
    await assert.rejects(generateImageTokens(m2, prompt, { ...base(), signal: pre.signal }), (e: unknown) => e instanceof GlimmerError && e.code === 'cancelled');
    assert.equal(m2.calls.length, 0);
    assert.throws(() => new AbortCriterion(pre.signal).shouldStop(), GlimmerError);
  });

  test('positions that do not fit the grids are refused', async () => {
    const bad = { inputIds: prompt.inputIds, rope: { ...prompt.rope, decode: prompt.rope.decode.slice(0, 5) } };
    await assert.rejects(generateImageTokens(new ScriptedModel(), bad, base()));
  });
});
