/** The ONNX writer end to end: graphs built with GraphBuilder, saved, run in onnxruntime-node (CPU). */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphBuilder, DATA_ALIGN, IR_VERSION, OPSET_ONNX } from '../../native-models/onnx';
import { onnxType } from '../../native-models/onnx/schema';
import { createSession, ort } from '../../main/engine/session';
import { isCodedError } from '../../main/contract';
import { assertClose } from '../helpers/golden';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-onnx-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function det(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** y[m, n] = sum_k x[m, k] w[k, n] + b[n] in float64. */
function matmulAdd(x: Float32Array, w: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
  const y = new Float32Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let acc = b[n];
      for (let k = 0; k < K; k++) acc += x[m * K + k] * w[k * N + n];
      y[m * N + n] = acc;
    }
  return y;
}

interface DecodedTensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  data_location?: number;
  external_data?: { key: string; value: string }[];
}
function decode(modelPath: string): {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  graph: { initializer: DecodedTensor[]; node: { op_type: string; name: string; output: string[] }[]; input: { name: string }[]; output: { name: string }[] };
} {
  const T = onnxType('ModelProto');
  return T.toObject(T.decode(readFileSync(modelPath)), { longs: Number, defaults: false, arrays: true }) as never;
}

describe('GraphBuilder', () => {
  test('MatMul + Add with symbolic dims runs for several shapes and matches JS', async () => {
    const K = 16;
    const N = 24;
    const w = det(K * N, 1);
    const b = det(N, 2);
    const g = new GraphBuilder('mm');
    const x = g.input('x', 'float32', ['batch', 'seq', K]);
    const y = g.op('Add', [g.op('MatMul', [x, g.initializer('w', w, [K, N])]), g.initializer('b', b, [N])]);
    g.output(y, 'float32', ['batch', 'seq', N], 'y');
    const saved = await g.save(dir, 'mm');
    const s = await createSession(saved.modelPath);
    try {
      assert.deepEqual(s.inputNames, ['x']);
      assert.deepEqual(s.outputNames, ['y']);
      for (const [B, S] of [
        [1, 3],
        [2, 5],
      ]) {
        const xv = det(B * S * K, B * 10 + S);
        const out = await s.run({ x: new ort.Tensor('float32', xv, [B, S, K]) });
        assert.deepEqual(out.y.dims, [B, S, N]);
        assertClose(out.y.data as Float32Array, matmulAdd(xv, w, b, B * S, K, N), { relTolOfMax: 1e-5, label: `y ${B}x${S}` });
      }
    } finally {
      await s.release();
    }
  });

  test('weights go to the .onnx.data file at aligned offsets; small constants stay inline', async () => {
    const small = det(8, 3); // 32 bytes: inline
    const mid = det(1000, 4); // 4000 bytes: external
    const big = det(300_000, 5); // 1.2 MB: external, page-aligned for mmap
    const g = new GraphBuilder('ext', { metadata: { purpose: 'test' } });
    const x = g.input('x', 'float32', [1]);
    const sSmall = g.op('ReduceSum', [g.initializer('small', small, [8])], { keepdims: 0 });
    const sMid = g.op('ReduceSum', [g.initializer('mid', mid, [10, 100])], { keepdims: 0 });
    const sBig = g.op('ReduceSum', [g.initializer('big', big, [300_000])], { keepdims: 0 });
    const total = g.op('Add', [g.op('Add', [g.op('Add', [sSmall, sMid]), sBig]), g.op('ReduceSum', [x], { keepdims: 0 })]);
    g.output(total, 'float32', [], 'total');
    const saved = await g.save(dir, 'ext');
    assert.equal(saved.dataPath, path.join(dir, 'ext.onnx.data'));
    const dataBytes = readFileSync(saved.dataPath);
    assert.equal(saved.bytes, readFileSync(saved.modelPath).length + dataBytes.length);

    const m = decode(saved.modelPath);
    assert.equal(m.ir_version, IR_VERSION);
    assert.deepEqual(
      m.opset_import.map((o) => [o.domain ?? '', o.version]).sort(),
      [
        ['', OPSET_ONNX],
        ['com.microsoft', 1],
      ],
    );
    const byName = new Map(m.graph.initializer.map((t) => [t.name, t]));
    const inline = byName.get('small')!;
    assert.equal(inline.data_location ?? 0, 0);
    assert.deepEqual(new Float32Array(new Uint8Array(inline.raw_data!).buffer), small);
    for (const [name, arr, align] of [
      ['mid', mid, DATA_ALIGN],
      ['big', big, 65536],
    ] as const) {
      const t = byName.get(name)!;
      assert.equal(t.data_location, 1, name);
      assert.equal(t.raw_data, undefined);
      const ext = Object.fromEntries(t.external_data!.map((e) => [e.key, e.value]));
      assert.equal(ext.location, 'ext.onnx.data');
      const offset = Number(ext.offset);
      const length = Number(ext.length);
      assert.equal(offset % align, 0, `${name} offset ${offset} aligned to ${align}`);
      assert.equal(length, arr.byteLength);
      const stored = new Float32Array(dataBytes.buffer.slice(dataBytes.byteOffset + offset, dataBytes.byteOffset + offset + length));
      assert.deepEqual(stored, arr);
    }

    const s = await createSession(saved.modelPath);
    try {
      const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([0.5]), [1]) });
      let want = 0.5;
      for (const a of [small, mid, big]) for (const v of a) want += v;
      assertClose(out.total.data as Float32Array, [want], { relTolOfMax: 1e-5, label: 'total' });
    } finally {
      await s.release();
    }
  });

  test('unique names, shared constants, int64 inputs, renamed and pass-through outputs', async () => {
    const g = new GraphBuilder('names');
    const ids = g.input('ids', 'int64', ['n']);
    const x = g.input('x', 'float32', ['n']);
    assert.throws(() => g.input('x', 'float32', [1]), /already used/);
    assert.throws(() => g.op('Relu', ['nope']), /not defined/);
    const table = det(6 * 4, 7);
    const e1 = g.initializer('emb', table, [6, 4]);
    const e2 = g.initializer('emb', table, [6, 4]);
    assert.notEqual(e1, e2);
    assert.throws(() => g.initializer('bad', table, [5, 4]), /bytes/);
    const c1 = g.constInt64([1]);
    const c2 = g.constInt64([1n]);
    const c3 = g.constInt64([1], []);
    assert.equal(c1, c2);
    assert.notEqual(c1, c3);
    const a = g.op('Gather', [e1, ids], { axis: 0 }, { name: 'gather' });
    const b = g.op('Gather', [e2, ids], { axis: 0 }, { name: 'gather' });
    assert.notEqual(a, b);
    const sum = g.op('Add', [a, b]);
    const parts = g.opMulti('Split', [sum, g.constInt64([1, 3])], { axis: 1 }, { outputs: 2, name: 'split' });
    assert.equal(parts.length, 2);
    assert.notEqual(parts[0], parts[1]);
    g.output(parts[0], 'float32', ['n', 1], 'first');
    g.output(parts[1], 'float32', ['n', 3]);
    g.output(x, 'float32', ['n']); // a graph input straight to an output (needs an Identity)
    const saved = await g.save(dir, 'names');
    const m = decode(saved.modelPath);
    const nodeNames = m.graph.node.map((n) => n.name);
    assert.equal(new Set(nodeNames).size, nodeNames.length);
    const s = await createSession(saved.modelPath);
    try {
      const idv = BigInt64Array.from([5n, 0n, 2n]);
      const xv = Float32Array.from([1, 2, 3]);
      const out = await s.run({ ids: new ort.Tensor('int64', idv, [3]), x: new ort.Tensor('float32', xv, [3]) });
      const want0: number[] = [];
      const want1: number[] = [];
      for (const id of idv) {
        const r = Number(id) * 4;
        want0.push(2 * table[r]);
        want1.push(2 * table[r + 1], 2 * table[r + 2], 2 * table[r + 3]);
      }
      assert.deepEqual(Array.from(out.first.data as Float32Array), Array.from(Float32Array.from(want0)));
      assert.deepEqual(Array.from(out[parts[1]].data as Float32Array), Array.from(Float32Array.from(want1)));
      const passName = s.outputNames.find((n) => n !== 'first' && n !== parts[1])!;
      assert.deepEqual(out[passName].data, xv);
    } finally {
      await s.release();
    }
  });

  test('attribute types: float-named integers stay float, ints, tensor attributes, strings', async () => {
    const g = new GraphBuilder('attrs');
    const x = g.input('x', 'float32', [2, 3]);
    const leaky = g.op('LeakyRelu', [x], { alpha: 2 }); // alpha must be FLOAT even though 2 is an integer
    const t = g.op('Transpose', [leaky], { perm: [1, 0] });
    const filled = g.op('ConstantOfShape', [g.constInt64([3, 2])], {
      value: { tensor: { type: 'float32', dims: [1], data: Float32Array.from([0.25]) } },
    });
    const y = g.op('Add', [t, filled]);
    g.output(y, 'float32', [3, 2], 'y');
    g.output(g.op('Gelu', [x], { approximate: 'tanh' }), 'float32', [2, 3], 'gelu');
    const s = await createSession((await g.save(dir, 'attrs')).modelPath);
    try {
      const xv = Float32Array.from([-1, 2, -3, 4, -5, 6]);
      const out = await s.run({ x: new ort.Tensor('float32', xv, [2, 3]) });
      const want = new Float32Array(6);
      for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) {
        const v = xv[r * 3 + c];
        want[c * 2 + r] = (v < 0 ? 2 * v : v) + 0.25;
      }
      assert.deepEqual(out.y.data, want);
    } finally {
      await s.release();
    }
  });

  test('failed save leaves no partial output; a graph without outputs is refused', async () => {
    const sub = path.join(dir, 'fail');
    mkdirSync(path.join(sub, 'blocked.onnx'), { recursive: true });
    writeFileSync(path.join(sub, 'blocked.onnx', 'keep'), 'x'); // a non-empty folder where the model should go
    const g = new GraphBuilder('fail');
    const x = g.input('x', 'float32', [300]);
    g.output(g.op('Add', [x, g.initializer('w', det(300, 9), [300])]), 'float32', [300], 'y');
    await assert.rejects(g.save(sub, 'blocked'), (e: unknown) => isCodedError(e) && e.message.includes('blocked.onnx'));
    assert.deepEqual(readdirSync(sub), ['blocked.onnx']);
    const empty = new GraphBuilder('empty');
    empty.input('x', 'float32', [1]);
    await assert.rejects(empty.save(sub, 'empty'), /no outputs/);
    assert.equal(existsSync(path.join(sub, 'empty.onnx')), false);
  });

  test('spill mode writes weights to disk as they come and moves the file into place', async () => {
    const out = path.join(dir, 'spill');
    const g = new GraphBuilder('spill', { spillDir: out });
    const K = 64;
    const w = det(K * K, 11);
    const x = g.input('x', 'float32', ['m', K]);
    let h = x;
    for (let i = 0; i < 3; i++) h = g.op('MatMul', [h, g.initializer(`w${i}`, w, [K, K])]);
    g.output(h, 'float32', ['m', K], 'y');
    assert.ok(readdirSync(out).some((f) => f.startsWith('.glimmer-spill-')));
    const saved = await g.save(out, 'spill');
    assert.deepEqual(readdirSync(out).sort(), ['spill.onnx', 'spill.onnx.data']);
    await assert.rejects(g.save(out, 'again'), /only once/);
    const s = await createSession(saved.modelPath);
    try {
      const xv = det(2 * K, 12);
      const res = await s.run({ x: new ort.Tensor('float32', xv, [2, K]) });
      let ref = xv;
      const zero = new Float32Array(K);
      for (let i = 0; i < 3; i++) ref = matmulAdd(ref, w, zero, 2, K, K);
      assertClose(res.y.data as Float32Array, ref, { relTolOfMax: 1e-5, label: 'y' });
    } finally {
      await s.release();
    }
  });
});
