/** linear() in each weight precision, run in onnxruntime-node, against fp32 JS matmuls. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GraphBuilder,
  linear,
  toFloat16,
  fromFloat16,
  quantizeBlockwise,
  dequantizeBlockwise,
  type WeightPrecision,
  type LinearOptions,
} from '../../native-models/onnx';
import { createSession, ort } from '../../main/engine/session';
import { assertClose } from '../helpers/golden';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-prec-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function det(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

/** y = x W^T + b with W [N, K] (PyTorch layout), accumulated in float64. */
function refLinear(x: Float32Array, w: Float32Array, b: Float32Array | undefined, M: number, K: number, N: number): Float32Array {
  const y = new Float32Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let acc = b ? b[n] : 0;
      for (let k = 0; k < K; k++) acc += x[m * K + k] * w[n * K + k];
      y[m * N + n] = acc;
    }
  return y;
}

async function runLinear(
  tag: string,
  w: Float32Array,
  b: Float32Array | undefined,
  x: Float32Array,
  M: number,
  K: number,
  N: number,
  precision: WeightPrecision,
  opts?: LinearOptions,
): Promise<Float32Array> {
  const g = new GraphBuilder(tag);
  const xi = g.input('x', 'float32', ['batch', 'seq', K]);
  g.output(linear(g, xi, 'proj', w, N, K, b, precision, opts), 'float32', ['batch', 'seq', N], 'y');
  const s = await createSession((await g.save(dir, tag)).modelPath);
  try {
    const out = await s.run({ x: new ort.Tensor('float32', x, [1, M, K]) });
    assert.deepEqual(out.y.dims, [1, M, N]);
    return out.y.data as Float32Array;
  } finally {
    await s.release();
  }
}

const M = 5;
const K = 80; // not a multiple of 32 or 64: the last block is padded
const N = 48;
const w = det(N * K, 1, 0.5);
const b = det(N, 2);
const x = det(M * K, 3);
const ref = refLinear(x, w, b, M, K, N);

describe('linear()', () => {
  test('fp32 matches the JS matmul', async () => {
    assertClose(await runLinear('fp32', w, b, x, M, K, N, 'fp32'), ref, { relTolOfMax: 1e-5, label: 'fp32' });
    assertClose(await runLinear('fp32nb', w, undefined, x, M, K, N, 'fp32'), refLinear(x, w, undefined, M, K, N), {
      relTolOfMax: 1e-5,
      label: 'fp32 no bias',
    });
  });

  test('fp16 equals a matmul with fp16-rounded weights, within the fp16 rounding bound of fp32', async () => {
    const y = await runLinear('fp16', w, b, x, M, K, N, 'fp16');
    const w16 = fromFloat16(toFloat16(w));
    const ref16 = refLinear(x, w16, b, M, K, N);
    assertClose(y, ref16, { relTolOfMax: 1e-5, label: 'fp16 vs rounded weights' });
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let bound = 1e-5;
        for (let k = 0; k < K; k++) bound += Math.abs(x[m * K + k] * w[n * K + k]) * 2 ** -11;
        const err = Math.abs(y[m * N + n] - ref[m * N + n]);
        assert.ok(err <= bound, `fp16 [${m},${n}] error ${err} > bound ${bound}`);
      }
  });

  const cases: { precision: 'int8' | 'int4'; opts: LinearOptions }[] = [
    { precision: 'int4', opts: {} },
    { precision: 'int4', opts: { blockSize: 16 } },
    { precision: 'int4', opts: { blockSize: 64, symmetric: true } },
    { precision: 'int4', opts: { blockSize: 128, accuracyLevel: 1 } },
    { precision: 'int8', opts: {} },
    { precision: 'int8', opts: { blockSize: 64, symmetric: true } },
  ];
  for (const { precision, opts } of cases) {
    test(`${precision} ${JSON.stringify(opts)}: runtime agrees with our dequantisation; error within the quantisation step`, async () => {
      const bits = precision === 'int8' ? 8 : 4;
      const bs = opts.blockSize ?? 32;
      const q = quantizeBlockwise(w, N, K, bits, bs, opts.symmetric ?? false);
      const deq = dequantizeBlockwise(q, N, K);
      // every weight within half a step of its block
      for (let n = 0; n < N; n++)
        for (let k = 0; k < K; k++) {
          const step = q.scales[n * q.nBlocks + Math.floor(k / bs)];
          const err = Math.abs(deq[n * K + k] - w[n * K + k]);
          assert.ok(err <= step / 2 + 1e-7, `weight [${n},${k}] error ${err} > step/2 ${step / 2}`);
        }
      const tag = `${precision}_${bs}_${opts.symmetric ? 's' : 'a'}_${opts.accuracyLevel ?? 0}`;
      const y = await runLinear(tag, w, b, x, M, K, N, precision, opts);
      // the runtime's MatMulNBits reads our packing exactly as dequantizeBlockwise does
      assertClose(y, refLinear(x, deq, b, M, K, N), { relTolOfMax: 1e-5, label: `${tag} vs dequantised` });
      // and so stays within the quantisation bound of the fp32 result
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) {
          let bound = 1e-4;
          for (let k = 0; k < K; k++) bound += (Math.abs(x[m * K + k]) * q.scales[n * q.nBlocks + Math.floor(k / bs)]) / 2;
          const err = Math.abs(y[m * N + n] - ref[m * N + n]);
          assert.ok(err <= bound, `${tag} [${m},${n}] error ${err} > bound ${bound}`);
        }
    });
  }

  test('int4 is markedly coarser than int8, int8 than fp16 (sanity of the error ordering)', async () => {
    const maxErr = (y: Float32Array) => y.reduce((mx, v, i) => Math.max(mx, Math.abs(v - ref[i])), 0);
    const e16 = maxErr(await runLinear('o16', w, b, x, M, K, N, 'fp16'));
    const e8 = maxErr(await runLinear('o8', w, b, x, M, K, N, 'int8'));
    const e4 = maxErr(await runLinear('o4', w, b, x, M, K, N, 'int4'));
    assert.ok(e4 > e8 && e8 > e16, `errors int4 ${e4}, int8 ${e8}, fp16 ${e16}`);
  });

  test('quantisation packing: low nibble first, zero points packed per row', () => {
    // one row, K = 32, one block: values 0..31 scaled; asymmetric min 0 → zero point 0
    const row = Float32Array.from({ length: 32 }, (_, i) => i);
    const q = quantizeBlockwise(row, 1, 32, 4, 32);
    assert.equal(q.packed.length, 16);
    assert.equal(q.zeroPoints!.length, 1);
    assert.equal(q.zeroPoints![0] & 15, 0);
    const step = q.scales[0];
    assert.equal(q.packed[0] & 15, Math.round(0 / step));
    assert.equal(q.packed[0] >> 4, Math.round(1 / step));
    assert.equal(q.packed[15] >> 4, 15);
    // three blocks of 16 per row, two rows: zero points take ceil(3/2) = 2 bytes per row
    const q3 = quantizeBlockwise(det(2 * 48, 5), 2, 48, 4, 16);
    assert.equal(q3.zeroPoints!.length, 4);
    assert.equal(q3.packed.length, 2 * 3 * 8);
    assert.throws(() => quantizeBlockwise(row, 1, 32, 4, 24), /power of two/);
  });

  test('fp16 compute: fp16, int8 and int4 weights on float16 activations, within fp16 rounding of the same weights in float32', async () => {
    const x16 = toFloat16(x);
    const xr = fromFloat16(x16);
    for (const precision of ['fp16', 'int8', 'int4'] as const) {
      const g = new GraphBuilder(`c16_${precision}`);
      const xi = g.input('x', 'float16', ['batch', 'seq', K]);
      g.output(linear(g, xi, 'proj', w, N, K, b, precision, { compute: 'fp16' }), 'float16', ['batch', 'seq', N], 'y');
      const s = await createSession((await g.save(dir, `c16_${precision}`)).modelPath);
      let y: Float32Array;
      try {
        const out = await s.run({ x: new ort.Tensor('float16', x16, [1, M, K]) });
        assert.equal(out.y.type, 'float16');
        y = fromFloat16(out.y.data as Uint16Array);
      } finally {
        await s.release();
      }
      // the weights as stored: fp16-rounded, or dequantised with fp16-rounded scales
      let wq: Float32Array;
      if (precision === 'fp16') wq = fromFloat16(toFloat16(w));
      else {
        const q = quantizeBlockwise(w, N, K, precision === 'int8' ? 8 : 4, 32);
        wq = dequantizeBlockwise({ ...q, scales: fromFloat16(toFloat16(q.scales)) }, N, K);
      }
      const bq = fromFloat16(toFloat16(b));
      const expect = refLinear(xr, wq, bq, M, K, N);
      // one fp16 rounding of the result (2^-11 relative) plus the runtime's accumulation order
      for (let i = 0; i < y.length; i++) {
        const err = Math.abs(y[i] - expect[i]);
        assert.ok(err <= Math.abs(expect[i]) * 2 ** -10 + 2e-3, `${precision} fp16 compute [${i}]: ${y[i]} vs ${expect[i]}`);
      }
    }
    // an fp32 weight cannot take fp16 activations: that layer belongs in an fp32 island
    const g = new GraphBuilder('c16_fp32');
    const xi = g.input('x', 'float16', [1, K]);
    assert.throws(() => linear(g, xi, 'proj', w, N, K, b, 'fp32', { compute: 'fp16' }), /fp32 island/);
  });
});
