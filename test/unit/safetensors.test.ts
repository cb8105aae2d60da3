import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, truncateSync, unlinkSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SafetensorsCheckpoint,
  readConfig,
  writeSafetensors,
  writeShardedSafetensors,
  encodeSafetensors,
  type TensorToWrite,
  readHeaderOfFile,
} from '../../native-models/safetensors';
import { isCodedError } from '../../main/contract';
import { toFloat16, fromFloat16 } from '../../native-models/onnx';
import { toBFloat16, fromBFloat16 } from '../../native-models/float16';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-st-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function seq(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

const f32 = Float32Array.from(seq(24, (i) => Math.sin(i) * 3));
const f16 = toFloat16(seq(6, (i) => i * 0.3 - 1));
const bf16 = toBFloat16(seq(8, (i) => (i - 4) * 384));
const f64 = Float64Array.from(seq(5, (i) => i / 3));
const i64 = BigInt64Array.from([-7n, 999_999_999_993n, 1_999_999_999_993n, 2_999_999_999_993n]);
const i32 = Int32Array.from([-5, 0, 7, 2147483647]);
const i16 = Int16Array.from([-32768, 1, 32767]);
const i8 = Int8Array.from([-128, 0, 127]);
const u8 = Uint8Array.from([0, 200, 255]);
const bool = Uint8Array.from([1, 0, 1, 1]);

const tensors: Record<string, TensorToWrite> = {
  'a.f32': { dtype: 'F32', shape: [2, 3, 4], data: f32 },
  'b.f16': { dtype: 'F16', shape: [2, 3], data: f16 },
  'c.bf16': { dtype: 'BF16', shape: [8], data: bf16 },
  'd.f64': { dtype: 'F64', shape: [5], data: f64 },
  'e.i64': { dtype: 'I64', shape: [2, 2], data: i64 },
  'f.i32': { dtype: 'I32', shape: [4], data: i32 },
  'g.i16': { dtype: 'I16', shape: [3], data: i16 },
  'h.i8': { dtype: 'I8', shape: [3], data: i8 },
  'i.u8': { dtype: 'U8', shape: [3], data: u8 },
  'j.bool': { dtype: 'BOOL', shape: [4], data: bool },
  'k.scalar': { dtype: 'F32', shape: [], data: Float32Array.from([42]) },
  'l.empty': { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
};

async function expectError(p: Promise<unknown> | (() => unknown), code: string, ...mustMention: string[]): Promise<void> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  assert.ok(isCodedError(err), `expected an error with one of our codes, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  for (const m of mustMention) assert.ok(err.message.includes(m), `message should mention ${m}: ${err.message}`);
}

function checkAll(ck: SafetensorsCheckpoint): Promise<void> {
  return (async () => {
    assert.deepEqual(ck.names().sort(), Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      assert.ok(ck.has(name));
      assert.deepEqual(ck.entry(name).shape, t.shape);
      assert.equal(ck.entry(name).dtype, t.dtype);
      const raw = await ck.readRaw(name);
      assert.deepEqual(new Uint8Array(raw), new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), name);
    }
    assert.deepEqual(await ck.readFloat32('a.f32'), f32);
    assert.deepEqual(await ck.readFloat32('b.f16'), fromFloat16(f16));
    assert.deepEqual(await ck.readFloat32('c.bf16'), fromBFloat16(bf16));
    assert.deepEqual(await ck.readFloat32('d.f64'), Float32Array.from(f64));
    assert.deepEqual(await ck.readFloat32('k.scalar'), Float32Array.from([42]));
    assert.equal((await ck.readFloat32('l.empty')).length, 0);
    assert.deepEqual(await ck.readInt64('e.i64'), i64);
    assert.deepEqual(await ck.readInt64('f.i32'), BigInt64Array.from([...i32].map(BigInt)));
    assert.deepEqual(await ck.readInt64('g.i16'), BigInt64Array.from([...i16].map(BigInt)));
    assert.deepEqual(await ck.readInt64('h.i8'), BigInt64Array.from([...i8].map(BigInt)));
    assert.deepEqual(await ck.readInt64('i.u8'), BigInt64Array.from([...u8].map(BigInt)));
    assert.deepEqual(await ck.readInt64('j.bool'), BigInt64Array.from([1n, 0n, 1n, 1n]));
  })();
}

describe('safetensors round trip', () => {
  test('single file: every dtype reads back as written', async () => {
    const file = path.join(dir, 'single.safetensors');
    await writeSafetensors(file, tensors, { format: 'pt' });
    const ck = await SafetensorsCheckpoint.open(file);
    try {
      await checkAll(ck);
      assert.deepEqual(ck.metadata, { format: 'pt' });
      // bf16 widening is exact for values bf16 can hold
      assert.deepEqual(await ck.readFloat32('c.bf16'), Float32Array.from(seq(8, (i) => (i - 4) * 384)));
    } finally {
      await ck.close();
    }
  });

  test('a folder with one plain .safetensors opens it', async () => {
    const sub = path.join(dir, 'folder');
    mkdirSync(sub);
    await writeSafetensors(path.join(sub, 'model.safetensors'), tensors);
    writeFileSync(path.join(sub, 'config.json'), JSON.stringify({ hidden_size: 64, nested: { a: [1, 2] } }));
    const ck = await SafetensorsCheckpoint.open(sub);
    try {
      await checkAll(ck);
    } finally {
      await ck.close();
    }
    assert.deepEqual(readConfig<{ hidden_size: number; nested: { a: number[] } }>(sub), { hidden_size: 64, nested: { a: [1, 2] } });
  });

  test('sharded checkpoint via its index (folder or index path), tensors in the right shard', async () => {
    const sub = path.join(dir, 'sharded');
    mkdirSync(sub);
    const names = Object.keys(tensors);
    const index = await writeShardedSafetensors(sub, 'model', tensors, [names.slice(0, 5), names.slice(5, 9), names.slice(9)]);
    for (const p of [sub, index]) {
      const ck = await SafetensorsCheckpoint.open(p);
      try {
        await checkAll(ck);
        assert.equal(path.basename(ck.entry('a.f32').file), 'model-00001-of-00003.safetensors');
        assert.equal(path.basename(ck.entry('f.i32').file), 'model-00002-of-00003.safetensors');
        assert.equal(path.basename(ck.entry('l.empty').file), 'model-00003-of-00003.safetensors');
      } finally {
        await ck.close();
      }
    }
  });

  test('reads a tensor by offset deep inside a file (not from the start)', async () => {
    const big = new Float32Array(300_000).map((_, i) => i);
    const tail = Float32Array.from([7, 8, 9]);
    const file = path.join(dir, 'big.safetensors');
    await writeSafetensors(file, { big: { dtype: 'F32', shape: [300_000], data: big }, tail: { dtype: 'F32', shape: [3], data: tail } });
    const ck = await SafetensorsCheckpoint.open(file);
    try {
      assert.ok(ck.entry('tail').begin > 1_200_000);
      assert.deepEqual(await ck.readFloat32('tail'), tail);
      const b = await ck.readFloat32('big');
      assert.equal(b[299_999], 299_999);
    } finally {
      await ck.close();
    }
  });
});

describe('safetensors bad input', () => {
  test('missing shard names the shard', async () => {
    const sub = path.join(dir, 'missing-shard');
    mkdirSync(sub);
    const names = Object.keys(tensors);
    await writeShardedSafetensors(sub, 'model', tensors, [names.slice(0, 6), names.slice(6)]);
    unlinkSync(path.join(sub, 'model-00002-of-00002.safetensors'));
    await expectError(SafetensorsCheckpoint.open(sub), 'model_missing', 'model-00002-of-00002.safetensors');
  });

  test('index naming a tensor its shard does not hold', async () => {
    const sub = path.join(dir, 'bad-index');
    mkdirSync(sub);
    await writeShardedSafetensors(sub, 'model', tensors, [Object.keys(tensors)]);
    const idx = path.join(sub, 'model.safetensors.index.json');
    const j = JSON.parse(readFileSync(idx, 'utf8'));
    j.weight_map['ghost.weight'] = 'model-00001-of-00001.safetensors';
    writeFileSync(idx, JSON.stringify(j));
    await expectError(SafetensorsCheckpoint.open(sub), 'model_corrupt', 'ghost.weight', 'model-00001-of-00001.safetensors');
  });

  test('truncated file (data cut short) names the file', async () => {
    const file = path.join(dir, 'trunc.safetensors');
    await writeSafetensors(file, tensors);
    const size = readFileSync(file).length;
    truncateSync(file, size - 3);
    await expectError(SafetensorsCheckpoint.open(file), 'model_corrupt', 'trunc.safetensors', 'truncated');
  });

  test('header longer than the file', async () => {
    const file = path.join(dir, 'short-header.safetensors');
    const buf = encodeSafetensors(tensors);
    writeFileSync(file, buf.subarray(0, 40));
    await expectError(SafetensorsCheckpoint.open(file), 'model_corrupt', 'short-header.safetensors', 'truncated');
    writeFileSync(file, buf.subarray(0, 5));
    await expectError(SafetensorsCheckpoint.open(file), 'model_corrupt', 'short-header.safetensors');
  });

  test('bad header JSON', async () => {
    const file = path.join(dir, 'badjson.safetensors');
    const json = Buffer.from('{"a": {"dtype": "F32", ');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(file, Buffer.concat([len, json]));
    await expectError(SafetensorsCheckpoint.open(file), 'model_corrupt', 'badjson.safetensors', 'JSON');
  });

  test('unknown dtype names the tensor and the file', async () => {
    const file = path.join(dir, 'dtype.safetensors');
    const json = Buffer.from(JSON.stringify({ w: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(file, Buffer.concat([len, json, Buffer.alloc(2)]));
    await expectError(SafetensorsCheckpoint.open(file), 'model_corrupt', 'dtype.safetensors', 'F8_E4M3', '"w"');
  });

  test('offsets that disagree with shape x dtype', async () => {
    const file = path.join(dir, 'offsets.safetensors');
    const json = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(file, Buffer.concat([len, json, Buffer.alloc(12)]));
    await expectError(SafetensorsCheckpoint.open(file), 'model_corrupt', 'offsets.safetensors');
  });

  /** A file with this header JSON and `dataBytes` of data. */
  function craft(name: string, header: Record<string, unknown>, dataBytes: number): string {
    const file = path.join(dir, name);
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(file, Buffer.concat([len, json, Buffer.alloc(dataBytes)]));
    return file;
  }

  test('overlapping tensors are refused (two tensors sharing bytes)', async () => {
    const file = craft('overlap.safetensors', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12);
    await expectError(SafetensorsCheckpoint.open(file), 'model_corrupt', 'overlap.safetensors', 'overlap');
    await expectError(readHeaderOfFile(file, { allowTruncated: true }), 'model_corrupt', 'overlap');
  });

  test('a gap between tensors, or before the first, is refused', async () => {
    const between = craft('gap.safetensors', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12);
    await expectError(SafetensorsCheckpoint.open(between), 'model_corrupt', 'gap.safetensors', 'gap');
    const first = craft('gap-first.safetensors', { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8);
    await expectError(SafetensorsCheckpoint.open(first), 'model_corrupt', 'gap');
  });

  test('bytes after the last tensor are refused; zero-sized tensors and any order are fine', async () => {
    const trailing = craft('trailing.safetensors', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 5);
    await expectError(SafetensorsCheckpoint.open(trailing), 'model_corrupt', 'trailing.safetensors', 'after');
    await expectError(readHeaderOfFile(trailing, { allowTruncated: true }), 'model_corrupt', 'after');
    const ok = craft(
      'ordered.safetensors',
      { z: { dtype: 'F32', shape: [0], data_offsets: [8, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      8,
    );
    const ck = await SafetensorsCheckpoint.open(ok);
    assert.deepEqual(ck.names().sort(), ['a', 'b', 'z']);
    await ck.close();
    // a file cut short is still only reported as such when the caller asks (downloads, validation)
    const short = craft('short.safetensors', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4);
    const parsed = await readHeaderOfFile(short, { allowTruncated: true });
    assert.equal(parsed.expectedSize - parsed.fileSize, 4);
  });

  test('an index naming a shard outside its folder is refused before anything is opened', async () => {
    const sub = path.join(dir, 'escape');
    mkdirSync(sub);
    for (const shard of ['../outside.safetensors', '/etc/passwd', 'a/../../b.safetensors', '..', '.hidden.safetensors', 'x\\..\\y.safetensors', '']) {
      writeFileSync(path.join(sub, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { w: shard } }));
      await expectError(SafetensorsCheckpoint.open(sub), 'model_corrupt', 'model.safetensors.index.json');
    }
  });

  test('tensor missing, wrong read type, missing path, empty folder', async () => {
    const file = path.join(dir, 'ok.safetensors');
    await writeSafetensors(file, tensors);
    const ck = await SafetensorsCheckpoint.open(file);
    try {
      assert.equal(ck.has('nope'), false);
      await expectError(() => ck.entry('nope'), 'model_corrupt', '"nope"', 'ok.safetensors');
      await expectError(ck.readFloat32('nope'), 'model_corrupt', '"nope"');
      await expectError(ck.readFloat32('e.i64'), 'model_corrupt', 'e.i64', 'I64');
      await expectError(ck.readInt64('a.f32'), 'model_corrupt', 'a.f32', 'F32');
    } finally {
      await ck.close();
    }
    await expectError(SafetensorsCheckpoint.open(path.join(dir, 'nowhere')), 'model_missing', 'nowhere');
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    await expectError(SafetensorsCheckpoint.open(empty), 'model_missing', 'empty');
  });

  test('readConfig: missing and invalid config.json name the file', async () => {
    const sub = path.join(dir, 'cfg');
    mkdirSync(sub);
    await expectError(() => readConfig(sub), 'model_missing', path.join(sub, 'config.json'));
    writeFileSync(path.join(sub, 'config.json'), '{"hidden_size": 64,');
    await expectError(() => readConfig(sub), 'model_corrupt', path.join(sub, 'config.json'));
    writeFileSync(path.join(sub, 'other.json'), '{"x": 1}');
    assert.deepEqual(readConfig(path.join(sub, 'other.json')), { x: 1 });
  });
});
