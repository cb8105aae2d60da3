/** The scheduler's arithmetic against an independent float64 evaluation, and its refusals. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GlimmerError } from '../../main/contract';
import { buildSchedule, calculateShift, eulerStep, guidanceCombine, imageSeqLen, parseFlowMatchConfig } from '../../main/engine/scheduler';

const glmConfig = parseFlowMatchConfig({
  num_train_timesteps: 1000,
  shift: 1.0,
  use_dynamic_shifting: true,
  base_shift: 0.25,
  max_shift: 0.75,
  base_image_seq_len: 256,
  max_image_seq_len: 4096,
  time_shift_type: 'linear',
});

function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

describe('scheduler', () => {
  test('1024x1024 with 50 steps follows the published recipe (float64 evaluation, 1e-6)', () => {
    const seq = imageSeqLen(1024, 1024, 8, 2);
    assert.equal(seq, 4096);
    const mu = calculateShift(seq, glmConfig);
    assert.ok(Math.abs(mu - 3.25) < 1e-12);
    const s = buildSchedule(50, seq, glmConfig);
    for (let i = 0; i < 50; i++) {
      const t = Math.trunc(1000 + (i * (1 - 1000)) / 50);
      assert.equal(s.timesteps[i], t);
      assert.equal(s.modelTimesteps[i], t - 1);
      const x = t / 1000;
      const sigma = mu / (mu + (1 / x - 1));
      assert.ok(Math.abs(s.sigmas[i] - sigma) < 1e-6, `sigma ${i}: ${s.sigmas[i]} vs ${sigma}`);
    }
    assert.equal(s.sigmas[50], 0);
    assert.ok([...s.sigmas].every((v, i, a) => i === 0 || v < a[i - 1]), 'sigmas decrease');
  });

  test('exponential shift and static shift', () => {
    const expo = parseFlowMatchConfig({ use_dynamic_shifting: true, time_shift_type: 'exponential', base_shift: 0.5, max_shift: 1.15 });
    const s = buildSchedule(4, 1024, expo);
    const mu = Math.sqrt(1024 / 256) * 1.15 + 0.5;
    const x = s.timesteps[1] / 1000;
    assert.ok(Math.abs(s.sigmas[1] - Math.exp(mu) / (Math.exp(mu) + (1 / x - 1))) < 1e-6);
    const fixed = parseFlowMatchConfig({ use_dynamic_shifting: false, shift: 3 });
    const f = buildSchedule(4, 1024, fixed);
    const y = f.timesteps[2] / 1000;
    assert.ok(Math.abs(f.sigmas[2] - (3 * y) / (1 + 2 * y)) < 1e-6);
    assert.ok(Number.isNaN(f.mu));
  });

  test('guidance and Euler step match the float64 formulas', () => {
    const c = randomArray(1000, 1);
    const u = randomArray(1000, 2);
    const x = randomArray(1000, 3);
    const v = guidanceCombine(c, u, 1.5);
    const next = eulerStep(x, v, 0.8, 0.55);
    for (let i = 0; i < 1000; i++) {
      const v64 = u[i] + 1.5 * (c[i] - u[i]);
      assert.ok(Math.abs(v[i] - v64) < 1e-5);
      assert.ok(Math.abs(next[i] - (x[i] + (0.55 - 0.8) * v64)) < 1e-5);
    }
  });

  test('bad requests and unsupported configs are refused with a clear error', () => {
    const isBad = (code: string) => (e: unknown) => e instanceof GlimmerError && e.code === code;
    assert.throws(() => buildSchedule(0, 16, glmConfig), isBad('bad_request'));
    assert.throws(() => buildSchedule(2.5, 16, glmConfig), isBad('bad_request'));
    assert.throws(() => buildSchedule(1001, 16, glmConfig), isBad('bad_request'));
    assert.throws(() => buildSchedule(10, 0, glmConfig), isBad('bad_request'));
    assert.throws(() => parseFlowMatchConfig({ use_karras_sigmas: true }), isBad('model_corrupt'));
    assert.throws(() => parseFlowMatchConfig({ shift_terminal: 0.1 }), isBad('model_corrupt'));
    assert.throws(() => parseFlowMatchConfig({ time_shift_type: 'cosine' }), isBad('model_corrupt'));
    assert.throws(() => eulerStep(new Float32Array(3), new Float32Array(4), 1, 0.5), isBad('internal'));
  });
});
