/**
 * compileModel on the tiny checkpoint: per-tensor progress covers every tensor each module's builder
 * reads, the manifest lists every file with its sha256, and a resumed compile rebuilds only what is
 * missing (a removed module), keeping the others byte for byte.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { compileModel, type CompileProgress } from '../../native-models/compile';
import { readManifest, verifyManifest } from '../../native-models/manifest';
import { readModuleParams } from '../../native-models/model-shapes';
import { checkpointDir } from '../helpers/fixtures';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-compile-'));

describe('compileModel', () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('progress per module and per tensor; manifest with hashes; resume rebuilds only what is missing', async () => {
    const out = path.join(tmp, 'm');
    const events: CompileProgress[] = [];
    const m = await compileModel(checkpointDir(), out, { precision: 'fp32', onProgress: (p) => events.push(p) });
    for (const mod of ['ar', 'vision', 'glyph', 'dit', 'vae']) {
      const t = events.filter((e) => e.module === mod && e.tensors).map((e) => e.tensors!);
      assert.ok(t.length > 0, `${mod}: tensor progress`);
      const last = t[t.length - 1]!;
      assert.equal(last.done, last.total, `${mod}: every tensor read`);
      assert.equal(last.bytesDone, last.bytesTotal);
      for (let i = 1; i < t.length; i++) assert.ok(t[i]!.bytesDone >= t[i - 1]!.bytesDone, `${mod}: progress never goes back`);
      assert.deepEqual(
        events.filter((e) => e.module === mod && !e.tensors).map((e) => e.state),
        ['start', 'done'],
      );
    }
    // the manifest: every file with its size and sha256, verified
    assert.deepEqual(readManifest(out), m);
    for (const mod of Object.values(m.modules)) {
      for (const f of mod.files) {
        const bytes = readFileSync(path.join(out, f.path));
        assert.equal(bytes.length, f.bytes);
        assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256, f.path);
      }
    }
    await verifyManifest(out, m, { hashes: true });

    // resume: remove the DiT; only it is rebuilt, the AR file is not touched
    const arFile = path.join(out, 'ar', 'ar.onnx.data');
    const arTime = statSync(arFile).mtimeMs;
    rmSync(path.join(out, 'dit'), { recursive: true });
    const again: CompileProgress[] = [];
    const m2 = await compileModel(checkpointDir(), out, { precision: 'fp32', onProgress: (p) => !p.tensors && again.push(p) });
    assert.deepEqual(
      again.filter((e) => e.state !== 'start').map((e) => [e.module, e.state]),
      [['assets', 'skipped'], ['ar', 'skipped'], ['vision', 'skipped'], ['glyph', 'skipped'], ['dit', 'done'], ['vae', 'skipped']],
    );
    assert.equal(statSync(arFile).mtimeMs, arTime);
    assert.equal(m2.id, m.id, 'the same bytes give the same model id');
  });

  test('compute precision is a compile choice: fp16 compute builds the AR, the DiT and vision in fp16, records it, and refuses an fp32 DiT', async () => {
    const out = path.join(tmp, 'gpu');
    const m = await compileModel(checkpointDir(), out, { precision: 'int4-int8', compute: 'fp16' });
    assert.equal(m.compute, 'fp16');
    assert.deepEqual(
      Object.fromEntries(Object.entries(m.modules).map(([k, v]) => [k, `${v.precision}/${v.compute}`])),
      { assets: 'fp32/fp32', ar: 'int4/fp16', vision: 'fp16/fp16', glyph: 'fp32/fp32', dit: 'int8/fp16', vae: 'fp32/fp32' },
    );
    const ar = JSON.parse(readFileSync(path.join(out, 'ar', 'ar.json'), 'utf8')) as { compute: string; kv: string };
    assert.deepEqual([ar.compute, ar.kv], ['fp16', 'fp16']);
    const dit = JSON.parse(readFileSync(path.join(out, 'dit', 'dit-int8.json'), 'utf8')) as { compute: string; attention: string };
    assert.equal(dit.compute, 'fp16');
    assert.equal(dit.attention, 'fused');
    // what memory estimates need travels with the folder
    assert.deepEqual(m.memory?.params, await readModuleParams(checkpointDir()));
    assert.equal(m.memory?.shapes.dit.innerDim, 32);
    await assert.rejects(compileModel(checkpointDir(), path.join(tmp, 'bad'), { precision: 'fp32', compute: 'fp16' }), /fp16 compute/);
  });

  test('the CPU presets build int8 DiT linears at the accuracy level fastest on the CPU', async () => {
    const out = path.join(tmp, 'cpu');
    await compileModel(checkpointDir(), out, { precision: 'int8' });
    const dit = JSON.parse(readFileSync(path.join(out, 'dit', 'dit-int8.json'), 'utf8')) as { compute: string; accuracyLevel?: number };
    assert.equal(dit.compute, 'fp32');
    assert.equal(dit.accuracyLevel, 4);
  });
});
