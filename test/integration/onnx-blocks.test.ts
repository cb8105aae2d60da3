/** Shared blocks (norms, activations, attention) run in onnxruntime-node against JS computations. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphBuilder, rmsNorm, layerNorm, gelu, silu, attention, repeatKv } from '../../native-models/onnx';
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
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await s.release();
  }
}

const R = 6;
const D = 32;
const xv = det(R * D, 1, 3, 0.5);

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
    const rms = (wt?: Float32Array) => (row: Float32Array) => {
      let ms = 0;
      for (const v of row) ms += v * v;
      const inv = 1 / Math.sqrt(ms / D + 1e-6);
      return row.map((v, i) => v * inv * (wt ? wt[i] : 1));
    };
    const ln = (eps: number, wt?: Float32Array, bs?: Float32Array) => (row: Float32Array) => {
      let mean = 0;
      for (const v of row) mean += v / D;
      let vr = 0;
      for (const v of row) vr += (v - mean) ** 2 / D;
      const inv = 1 / Math.sqrt(vr + eps);
      return row.map((v, i) => (v - mean) * inv * (wt ? wt[i] : 1) + (bs ? bs[i] : 0));
    };
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
});
