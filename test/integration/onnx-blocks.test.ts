/** Shared blocks (norms, activations, attention) run in onnxruntime-node against JS computations. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Compute, GraphBuilder, rmsNorm, layerNorm, gelu, silu, attention, multiHeadAttention, repeatKv, toFloat16, fromFloat16 } from '../../native-models/onnx';
import { createSession, ort } from '../../main/engine/session';
import { assertClose } from '../helpers/golden';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-blocks-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function det(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale + offset;
  });
}

/** erf to ~1e-15 (series for small |x|, continued fraction for large), independent of the runtime. */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    let sum = a;
    let term = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz), accurate for a >= 2.5
  let f = a;
  let C = a;
  let D = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    D = a + an * D;
    D = 1 / D;
    C = a + an / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

async function run(g: GraphBuilder, tag: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const s = await createSession((await g.save(dir, tag)).modelPath);
  try {
    const out = await s.run(feeds);
    // float16 outputs come back as their bit patterns: widen them for the comparisons
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.type === 'float16' ? fromFloat16(v.data as Uint16Array) : (v.data as Float32Array)]));
  } finally {
    await s.release();
  }
}

const R = 6;
const D = 32;
const xv = det(R * D, 1, 3, 0.5);

/** RMS norm of one row (eps 1e-6), in float64. */
const rms = (wt?: Float32Array) => (row: Float32Array) => {
  let ms = 0;
  for (const v of row) ms += v * v;
  const inv = 1 / Math.sqrt(ms / D + 1e-6);
  return row.map((v, i) => v * inv * (wt ? wt[i] : 1));
};

/** Layer norm of one row, in float64. */
const ln = (eps: number, wt?: Float32Array, bs?: Float32Array) => (row: Float32Array) => {
  let mean = 0;
  for (const v of row) mean += v / D;
  let vr = 0;
  for (const v of row) vr += (v - mean) ** 2 / D;
  const inv = 1 / Math.sqrt(vr + eps);
  return row.map((v, i) => (v - mean) * inv * (wt ? wt[i] : 1) + (bs ? bs[i] : 0));
};

function rowwise(f: (row: Float32Array) => Float32Array): Float32Array {
  const out = new Float32Array(R * D);
  for (let r = 0; r < R; r++) out.set(f(xv.subarray(r * D, (r + 1) * D)), r * D);
  return out;
}

describe('blocks', () => {
  test('rmsNorm and layerNorm, with and without affine weights', async () => {
    const w = det(D, 2, 0.5, 1);
    const bias = det(D, 3, 0.2);
    const g = new GraphBuilder('norms');
    const x = g.input('x', 'float32', [2, 'n', D]);
    g.output(rmsNorm(g, x, w, 1e-6), 'float32', [2, 'n', D], 'rms_w');
    g.output(rmsNorm(g, x, undefined, 1e-6), 'float32', [2, 'n', D], 'rms');
    g.output(layerNorm(g, x, w, bias, 1e-5), 'float32', [2, 'n', D], 'ln_wb');
    g.output(layerNorm(g, x, w, undefined, 1e-5), 'float32', [2, 'n', D], 'ln_w');
    g.output(layerNorm(g, x, undefined, undefined, 1e-6), 'float32', [2, 'n', D], 'ln');
    g.output(layerNorm(g, x, undefined, bias, 1e-6), 'float32', [2, 'n', D], 'ln_b');
    const out = await run(g, 'norms', { x: new ort.Tensor('float32', xv, [2, R / 2, D]) });
    assertClose(out.rms_w, rowwise(rms(w)), { label: 'rmsNorm weight' });
    assertClose(out.rms, rowwise(rms()), { label: 'rmsNorm' });
    assertClose(out.ln_wb, rowwise(ln(1e-5, w, bias)), { label: 'layerNorm w b' });
    assertClose(out.ln_w, rowwise(ln(1e-5, w)), { label: 'layerNorm w' });
    assertClose(out.ln, rowwise(ln(1e-6)), { label: 'layerNorm' });
    assertClose(out.ln_b, rowwise(ln(1e-6, undefined, bias)), { label: 'layerNorm b' });
  });

  test('gelu (exact and tanh) and silu', async () => {
    const g = new GraphBuilder('acts');
    const x = g.input('x', 'float32', ['n']);
    g.output(gelu(g, x, 'none'), 'float32', ['n'], 'gelu');
    g.output(gelu(g, x, 'tanh'), 'float32', ['n'], 'gelu_tanh');
    g.output(silu(g, x), 'float32', ['n'], 'silu');
    const v = Float32Array.from([...xv, -8, -3, 0, 3, 8]);
    const out = await run(g, 'acts', { x: new ort.Tensor('float32', v, [v.length]) });
    const exact = v.map((a) => 0.5 * a * (1 + erf(a / Math.SQRT2)));
    const tanh = v.map((a) => 0.5 * a * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a + 0.044715 * a ** 3))));
    assertClose(out.gelu, exact, { relTolOfMax: 1e-5, label: 'gelu' });
    assertClose(out.gelu_tanh, tanh, { relTolOfMax: 1e-5, label: 'gelu tanh' });
    assertClose(out.silu, v.map((a) => a / (1 + Math.exp(-a))), { relTolOfMax: 1e-5, label: 'silu' });
    // the two GELUs really differ (so the attribute reached the runtime)
    assert.ok(exact.some((e, i) => Math.abs(e - tanh[i]) > 1e-5));
    assert.ok(out.gelu.some((e, i) => Math.abs(e - out.gelu_tanh[i]) > 1e-5));
  });

  test('attention with an additive causal mask, and grouped-query KV repetition', async () => {
    const B = 1;
    const H = 4;
    const Hkv = 2;
    const S = 5;
    const Dh = 8;
    const q = det(B * H * S * Dh, 4);
    const k = det(B * Hkv * S * Dh, 5);
    const v = det(B * Hkv * S * Dh, 6);
    const mask = new Float32Array(S * S).map((_, i) => (i % S > Math.floor(i / S) ? -Infinity : 0));
    const g = new GraphBuilder('attn');
    const qi = g.input('q', 'float32', [B, H, 's', Dh]);
    const ki = g.input('k', 'float32', [B, Hkv, 't', Dh]);
    const vi = g.input('v', 'float32', [B, Hkv, 't', Dh]);
    const mi = g.input('mask', 'float32', ['s', 't']);
    const kr = repeatKv(g, ki, H / Hkv, Hkv, Dh);
    const vr = repeatKv(g, vi, H / Hkv, Hkv, Dh);
    g.output(attention(g, qi, kr, vr, { headDim: Dh, mask: mi }), 'float32', [B, H, 's', Dh], 'out');
    const out = await run(g, 'attn', {
      q: new ort.Tensor('float32', q, [B, H, S, Dh]),
      k: new ort.Tensor('float32', k, [B, Hkv, S, Dh]),
      v: new ort.Tensor('float32', v, [B, Hkv, S, Dh]),
      mask: new ort.Tensor('float32', mask, [S, S]),
    });
    const ref = new Float32Array(B * H * S * Dh);
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / (H / Hkv)); // repeat_interleave: heads 0,1 → kv 0; 2,3 → kv 1
      for (let i = 0; i < S; i++) {
        const scores: number[] = [];
        for (let j = 0; j < S; j++) {
          let dot = 0;
          for (let d = 0; d < Dh; d++) dot += q[(h * S + i) * Dh + d] * k[(kvh * S + j) * Dh + d];
          scores.push(dot / Math.sqrt(Dh) + mask[i * S + j]);
        }
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, c) => a + c, 0);
        for (let d = 0; d < Dh; d++) {
          let acc = 0;
          for (let j = 0; j < S; j++) acc += (e[j] / z) * v[(kvh * S + j) * Dh + d];
          ref[(h * S + i) * Dh + d] = acc;
        }
      }
    }
    assertClose(out.out, ref, { label: 'attention' });
  });

  test('float16 norms: one fused node each, within fp16 rounding of the float32 result', async () => {
    const w = det(D, 2, 0.5, 1);
    const bias = det(D, 3, 0.2);
    const g = new GraphBuilder('norms16');
    const x = g.input('x', 'float16', [2, 'n', D]);
    const type = 'float16' as const;
    g.output(rmsNorm(g, x, w, 1e-6, { type }), 'float16', [2, 'n', D], 'rms_w');
    g.output(rmsNorm(g, x, undefined, 1e-6, { type, width: D }), 'float16', [2, 'n', D], 'rms');
    g.output(layerNorm(g, x, w, bias, 1e-5, -1, { type }), 'float16', [2, 'n', D], 'ln_wb');
    g.output(layerNorm(g, x, undefined, undefined, 1e-6, -1, { type, width: D }), 'float16', [2, 'n', D], 'ln');
    assert.throws(() => layerNorm(g, x, undefined, undefined, 1e-6, -1, { type }), /needs its width/);
    const x16 = toFloat16(xv);
    const xr = fromFloat16(x16); // the input as the graph sees it
    const out = await run(g, 'norms16', { x: new ort.Tensor('float16', x16, [2, R / 2, D]) });
    const rowsOf = (f: (row: Float32Array) => Float32Array) => {
      const o = new Float32Array(R * D);
      for (let r = 0; r < R; r++) o.set(f(xr.subarray(r * D, (r + 1) * D)), r * D);
      return o;
    };
    // fp16 has a 2^-11 relative step: the weights and the result are rounded once each
    const tol = { relTolOfMax: 2e-3 };
    assertClose(out.rms_w, rowsOf(rms(fromFloat16(toFloat16(w)))), { ...tol, label: 'rmsNorm fp16 weight' });
    assertClose(out.rms, rowsOf(rms()), { ...tol, label: 'rmsNorm fp16' });
    assertClose(out.ln_wb, rowsOf(ln(1e-5, fromFloat16(toFloat16(w)), fromFloat16(toFloat16(bias)))), { ...tol, label: 'layerNorm fp16 w b' });
    assertClose(out.ln, rowsOf(ln(1e-6)), { ...tol, label: 'layerNorm fp16' });
  });

  test('multiHeadAttention (fused) equals softmax(q kᵀ·scale + bias) v, with past keys/values, in float32 and float16', async () => {
    const B = 2;
    const H = 3;
    const Dh = 8;
    const S = 5;
    const P = 4;
    const HD = H * Dh;
    const q = det(B * S * HD, 7);
    const k = det(B * S * HD, 8);
    const v = det(B * S * HD, 9);
    const pk = det(B * H * P * Dh, 10);
    const pv = det(B * H * P * Dh, 11);
    const bias = det(B * H * S * S, 12, 2);
    const scale = 0.3;
    /** Reference: q, k, v [B, S, H·D]; past [B, H, P, D] before k/v; bias [B, H, S, T] over all T keys. */
    const reference = (withPast: boolean, withBias: boolean, sc: number): Float32Array => {
      const T = S + (withPast ? P : 0);
      const out = new Float32Array(B * S * HD);
      for (let b = 0; b < B; b++)
        for (let h = 0; h < H; h++) {
          const keyAt = (j: number, d: number) => (withPast && j < P ? pk[((b * H + h) * P + j) * Dh + d] : k[(b * S + (j - (withPast ? P : 0))) * HD + h * Dh + d]);
          const valAt = (j: number, d: number) => (withPast && j < P ? pv[((b * H + h) * P + j) * Dh + d] : v[(b * S + (j - (withPast ? P : 0))) * HD + h * Dh + d]);
          for (let i = 0; i < S; i++) {
            const scores: number[] = [];
            for (let j = 0; j < T; j++) {
              let dot = 0;
              for (let d = 0; d < Dh; d++) dot += q[(b * S + i) * HD + h * Dh + d] * keyAt(j, d);
              scores.push(dot * sc + (withBias ? bias[((b * H + h) * S + i) * S + j] : 0));
            }
            const mx = Math.max(...scores);
            const e = scores.map((x) => Math.exp(x - mx));
            const z = e.reduce((a, c) => a + c, 0);
            for (let d = 0; d < Dh; d++) {
              let acc = 0;
              for (let j = 0; j < T; j++) acc += (e[j] / z) * valAt(j, d);
              out[(b * S + i) * HD + h * Dh + d] = acc;
            }
          }
        }
      return out;
    };
    for (const type of ['float32', 'float16'] as const) {
      const g = new GraphBuilder(`mha_${type}`);
      const qi = g.input('q', type, [B, 's', HD]);
      const ki = g.input('k', type, [B, 's', HD]);
      const vi = g.input('v', type, [B, 's', HD]);
      const pki = g.input('pk', type, [B, H, 'p', Dh]);
      const pvi = g.input('pv', type, [B, H, 'p', Dh]);
      const bi = g.input('bias', type, [B, H, 's', 's']);
      g.output(multiHeadAttention(g, qi, ki, vi, { numHeads: H }), type, [B, 's', HD], 'plain');
      g.output(multiHeadAttention(g, qi, ki, vi, { numHeads: H, scale, bias: bi }), type, [B, 's', HD], 'biased');
      g.output(multiHeadAttention(g, qi, ki, vi, { numHeads: H, scale, pastKey: pki, pastValue: pvi }), type, [B, 's', HD], 'past');
      const t = (a: Float32Array, dims: number[]) => (type === 'float16' ? new ort.Tensor('float16', toFloat16(a), dims) : new ort.Tensor('float32', a, dims));
      const out = await run(g, `mha_${type}`, {
        q: t(q, [B, S, HD]),
        k: t(k, [B, S, HD]),
        v: t(v, [B, S, HD]),
        pk: t(pk, [B, H, P, Dh]),
        pv: t(pv, [B, H, P, Dh]),
        bias: t(bias, [B, H, S, S]),
      });
      // float16: inputs and output rounded to 11 significant bits (the CPU kernel computes in float32 between)
      const rel = type === 'float16' ? 5e-3 : 1e-5;
      assertClose(out.plain, reference(false, false, 1 / Math.sqrt(Dh)), { relTolOfMax: rel, label: `${type} mha` });
      assertClose(out.biased, reference(false, true, scale), { relTolOfMax: rel, label: `${type} mha + bias` });
      assertClose(out.past, reference(true, false, scale), { relTolOfMax: rel, label: `${type} mha + past` });
    }
    // an empty past (P = 0) is the same as none: the DiT's passes without reference images rely on it
    const g = new GraphBuilder('mha_empty_past');
    const qi = g.input('q', 'float32', [B, 's', HD]);
    const pki = g.input('pk', 'float32', [B, H, 'p', Dh]);
    g.output(multiHeadAttention(g, qi, qi, qi, { numHeads: H, pastKey: pki, pastValue: pki }), 'float32', [B, 's', HD], 'y');
    g.output(multiHeadAttention(g, qi, qi, qi, { numHeads: H }), 'float32', [B, 's', HD], 'z');
    const out = await run(g, 'mha_empty_past', { q: new ort.Tensor('float32', q, [B, S, HD]), pk: new ort.Tensor('float32', new Float32Array(0), [B, H, 0, Dh]) });
    assertClose(out.y, out.z, { relTolOfMax: 1e-6, label: 'empty past' });
    assert.throws(() => multiHeadAttention(g, qi, qi, qi, { numHeads: H, pastKey: pki }), /both pastKey and pastValue/);
  });

  test('Compute: fp32 adds no node; fp16 casts on entry and exit, constants and tensors in float16', async () => {
    const g32 = new GraphBuilder('c32');
    const c32 = new Compute(g32, 'fp32');
    const x32 = g32.input('x', 'float32', ['n']);
    assert.equal(c32.fromFloat32(x32), x32);
    assert.equal(c32.toFloat32(x32), x32);
    assert.equal(g32.nodeCount, 0);

    const g = new GraphBuilder('c16');
    const c = new Compute(g, 'fp16');
    assert.equal(c.type, 'float16');
    const x = g.input('x', 'float32', ['n']);
    const h = c.fromFloat32(x);
    const y = g.op('Add', [g.op('Mul', [h, c.tensor('w', Float32Array.of(0.1, 2, -3), [3])]), c.constant([0.5], [])]);
    g.output(c.toFloat32(y), 'float32', ['n'], 'y');
    const out = await run(g, 'c16', { x: new ort.Tensor('float32', Float32Array.of(1, 2, 3), [3]) });
    // 0.1 is not a float16: the weight was stored rounded (0.0999755859375)
    assertClose(out.y, Float32Array.of(1 * 0.0999755859375 + 0.5, 4.5, -8.5), { relTolOfMax: 1e-6, label: 'fp16 compute' });
  });
});
