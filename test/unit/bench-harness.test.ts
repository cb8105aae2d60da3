/**
 * The benchmark harness's arithmetic (quantiles, summaries, run plans, result merging, reference
 * merging) and the suite registry. `npm run bench` itself is not a test; these are.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { figure, planRuns, quantile, sameMeasurement, summarize, type Figure } from '../../bench/harness';
import { mergeReference, parseReferenceReport } from '../../bench/reference';
import { suites } from '../../bench/suites';
import { withHostBest, type Limits } from '../../bench/suites/limits';

/** A seeded shuffle so every run checks the same permutations. */
function shuffled(values: number[], seed: number): number[] {
  const out = [...values];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('quantile', () => {
  test('ends are the extremes; the median of an odd count is the middle value', () => {
    const sorted = [1, 3, 4, 9, 20];
    assert.equal(quantile(sorted, 0), 1);
    assert.equal(quantile(sorted, 1), 20);
    assert.equal(quantile(sorted, 0.5), 4);
  });

  test('even count: the median is the mean of the two middle values', () => {
    assert.equal(quantile([2, 4, 10, 30], 0.5), 7);
  });

  test('linear interpolation between order statistics (0..100: the q-quantile is 100q)', () => {
    const sorted = Array.from({ length: 101 }, (_, i) => i);
    for (const q of [0.05, 0.25, 0.5, 0.9, 0.95, 0.99]) assert.ok(Math.abs(quantile(sorted, q) - 100 * q) < 1e-9, `q=${q}`);
    // between two points: a quarter of the way from 10 to 20
    assert.equal(quantile([10, 20], 0.25), 12.5);
  });

  test('empty input gives NaN, one value gives that value', () => {
    assert.ok(Number.isNaN(quantile([], 0.5)));
    assert.equal(quantile([42], 0.95), 42);
  });
});

describe('summarize', () => {
  test('order of the samples does not matter, and the samples are kept as given', () => {
    const base = [5, 1, 9, 3, 7, 2, 8];
    const ref = summarize([...base].sort((a, b) => a - b));
    for (let seed = 1; seed <= 5; seed++) {
      const input = shuffled(base, seed);
      const copy = [...input];
      const s = summarize(input);
      assert.deepEqual(input, copy, 'input not mutated');
      assert.deepEqual(s.samples, copy);
      assert.equal(s.median, ref.median);
      assert.equal(s.p95, ref.p95);
    }
    assert.equal(ref.median, 5);
    assert.equal(ref.min, 1);
    assert.equal(ref.max, 9);
    // p95 of 7 sorted values: position 5.7 → 8 + 0.7 * (9 - 8)
    assert.ok(Math.abs(ref.p95 - 8.7) < 1e-12);
  });

  test('figure() carries the summary and the extra fields', () => {
    const f = figure('s', 'n', 'ms', [3, 1, 2], 'lower', { provider: 'cpu', precision: 'fp32' });
    assert.equal(f.median, 2);
    assert.equal(f.min, 1);
    assert.equal(f.max, 3);
    assert.equal(f.provider, 'cpu');
    assert.equal(f.better, 'lower');
  });
});

describe('planRuns', () => {
  test('everything fits: the asked warm-up and repeats', () => {
    assert.deepEqual(planRuns(10, 5, 1000), { warmup: 1, repeats: 5 });
  });
  test('fewer repeats when only some fit, keeping one warm-up', () => {
    const p = planRuns(100, 5, 350)!;
    assert.equal(p.warmup + p.repeats, 3);
    assert.equal(p.warmup, 1);
    assert.ok(p.note);
  });
  test('one cold run when exactly one fits; null when none does', () => {
    assert.deepEqual({ ...planRuns(200, 5, 300)!, note: undefined }, { warmup: 0, repeats: 1, note: undefined });
    assert.equal(planRuns(301, 5, 300), null);
    assert.equal(planRuns(Number.NaN, 5, 300), null);
  });
});

describe('results and reference merging', () => {
  const f = (name: string, extra: Partial<Figure> = {}): Figure => figure('dit', name, 's', [1, 2, 3], 'lower', { provider: 'cpu', precision: 'fp32', config: 'tiny', ...extra });

  test('the same measurement is the same suite, name, provider, precision and config', () => {
    assert.ok(sameMeasurement(f('a'), f('a')));
    assert.ok(!sameMeasurement(f('a'), f('a', { precision: 'fp16' })));
    assert.ok(!sameMeasurement(f('a'), f('a', { config: 'small' })));
    assert.ok(!sameMeasurement(f('a'), f('b')));
  });

  test('reference figures attach by suite, name and unit; the last stdout line is the report', () => {
    const report = parseReferenceReport(
      'some log line\n' +
        JSON.stringify({
          source: 'pytorch test',
          figures: [
            { suite: 'dit', name: 'a', unit: 's', value: 0.5 },
            { suite: 'dit', name: 'b', unit: 'ms', value: 9 },
          ],
        }),
    );
    const figs = [f('a'), f('b'), f('c')];
    assert.equal(mergeReference(figs, report), 1);
    assert.deepEqual(figs[0]!.reference, { value: 0.5, source: 'pytorch test' });
    assert.equal(figs[1]!.reference, undefined, 'unit differs');
    assert.equal(figs[2]!.reference, undefined);
    assert.throws(() => parseReferenceReport('{"source":"x"}'), /figures/);
  });
});

describe('limits', () => {
  const run = (matmul: number, stream: number, name = 'matmul fp32 [512x2048]x[2048x2048]'): Limits => ({
    matmulFlops: matmul,
    weightBytesPerSecond: stream,
    figures: [figure('limits', name, 'GFLOP/s', [matmul / 1e9], 'higher', { provider: 'cpu' })],
  });
  test('a run uses the best limits seen at the same scale, never lower ones', () => {
    const earlier = [
      { provider: 'cpu', scale: 'small', matmulFlops: 150e9, weightBytesPerSecond: 10e9 },
      { provider: 'cpu', scale: 'large', matmulFlops: 900e9, weightBytesPerSecond: 90e9 },
    ];
    const l = withHostBest(run(100e9, 20e9), earlier);
    assert.equal(l.matmulFlops, 150e9);
    assert.equal(l.weightBytesPerSecond, 20e9);
    assert.equal(l.figures[0]!.median, 100, 'the figures stay this run\'s own');
    assert.equal(withHostBest(run(100e9, 20e9), []).matmulFlops, 100e9);
  });
});

describe('suite registry', () => {
  test('lists every suite issues #8 and #13 name, each a function', () => {
    for (const name of ['ar', 'dit', 'vae', 'pipeline', 'library', 'ui-startup', 'memory']) {
      assert.equal(typeof suites[name], 'function', `suite "${name}" is registered`);
    }
  });
});
