import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync, readdirSync, utimesSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  readManifest,
  verifyManifest,
  verifySources,
  writeManifest,
  sha256File,
  type ModelManifest,
} from '../../native-models/manifest';
import { isCodedError } from '../../main/contract';

let root: string;
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'glimmer-manifest-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A fake checkpoint and a fake compiled folder with one module. */
function setup(name: string): { ckpt: string; out: string; manifest: ModelManifest } {
  const ckpt = path.join(root, name, 'checkpoint');
  const out = path.join(root, name, 'compiled');
  mkdirSync(path.join(ckpt, 'transformer'), { recursive: true });
  mkdirSync(path.join(out, 'dit'), { recursive: true });
  writeFileSync(path.join(ckpt, 'model_index.json'), '{"_class_name": "GlmImagePipeline"}');
  writeFileSync(path.join(ckpt, 'transformer', 'config.json'), '{"num_layers": 2}');
  writeFileSync(path.join(ckpt, 'transformer', 'weights.safetensors'), Buffer.alloc(4096, 7));
  writeFileSync(path.join(ckpt, '.hidden'), 'ignored');
  const onnx = Buffer.from('onnx bytes');
  const data = Buffer.alloc(1000, 1);
  writeFileSync(path.join(out, 'dit', 'dit.onnx'), onnx);
  writeFileSync(path.join(out, 'dit', 'dit.onnx.data'), data);
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    id: 'glm-image-test',
    name,
    precision: 'fp16',
    precisionLabel: 'fp16',
    createdAt: new Date().toISOString(),
    app: 'test',
    source: { checkpoint: ckpt, fingerprint: 'x' },
    modules: {
      dit: {
        dir: 'dit',
        precision: 'fp16',
        files: [
          { path: 'dit/dit.onnx', bytes: onnx.length, sha256: sha(onnx) },
          { path: 'dit/dit.onnx.data', bytes: data.length, sha256: sha(data) },
        ],
      },
    },
  };
  return { ckpt, out, manifest };
}

function expectGlimmer(fn: () => unknown, code: string, ...mention: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isCodedError(e), String(e));
    assert.equal(e.code, code, e.message);
    for (const m of mention) assert.ok(typeof m === 'string' ? e.message.includes(m) : m.test(e.message), `${e.message} should mention ${m}`);
    return true;
  });
}

async function expectGlimmerAsync(p: Promise<unknown>, code: string, ...mention: string[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isCodedError(e), String(e));
    assert.equal(e.code, code, e.message);
    for (const m of mention) assert.ok(e.message.includes(m), `${e.message} should mention ${m}`);
    return true;
  });
}

describe('compiled-model manifest', () => {
  test('written atomically with source files (size + sha256), read back, verified', async () => {
    const { ckpt, out, manifest } = setup('ok');
    await writeManifest(out, manifest);
    assert.deepEqual(readdirSync(out).sort(), ['dit', MANIFEST_FILE]); // no temp file left
    const m = readManifest(out);
    assert.deepEqual(
      m.sources!.map((s) => [s.path, s.bytes]),
      [
        ['model_index.json', Buffer.byteLength('{"_class_name": "GlmImagePipeline"}')],
        ['transformer/config.json', Buffer.byteLength('{"num_layers": 2}')],
        ['transformer/weights.safetensors', 4096],
      ],
    );
    assert.equal(m.sources![2].sha256, await sha256File(path.join(ckpt, 'transformer', 'weights.safetensors')));
    assert.equal(m.sources![2].sha256, sha(Buffer.alloc(4096, 7)));
    assert.deepEqual(manifest.sources, m.sources);
    await verifyManifest(out, m, { hashes: true });
    await verifySources(out, m, { hashes: 'all' });
  });

  test('refuses a manifest of another format version, telling to recompile', async () => {
    const { out, manifest } = setup('versions');
    for (const v of [MANIFEST_VERSION + 1, MANIFEST_VERSION - 1]) {
      await writeManifest(out, { ...manifest, version: v });
      expectGlimmer(() => readManifest(out), 'model_corrupt', `format ${v}`, /ompile the model again/, v > MANIFEST_VERSION ? 'newer' : 'older');
    }
  });

  test('refuses when the source checkpoint changed size or lost a file; accepts a deleted checkpoint', async () => {
    const { ckpt, out, manifest } = setup('sources');
    await writeManifest(out, manifest);
    readManifest(out);
    const w = path.join(ckpt, 'transformer', 'weights.safetensors');
    writeFileSync(w, Buffer.alloc(4000, 7));
    expectGlimmer(() => readManifest(out), 'model_corrupt', 'weights.safetensors', 'has changed', 'Compile the model again');
    rmSync(w);
    expectGlimmer(() => readManifest(out), 'model_corrupt', 'weights.safetensors is gone');
    renameSync(ckpt, `${ckpt}-moved`);
    assert.equal(readManifest(out).name, 'sources'); // compiled folder stands alone
  });

  test('same size, new contents: readManifest is cheap and passes, verifySources hashes and refuses', async () => {
    const { ckpt, out, manifest } = setup('contents');
    await writeManifest(out, manifest);
    const w = path.join(ckpt, 'transformer', 'weights.safetensors');
    writeFileSync(w, Buffer.alloc(4096, 9));
    const future = new Date(Date.now() + 60_000);
    utimesSync(w, future, future);
    const m = readManifest(out);
    await expectGlimmerAsync(verifySources(out, m), 'model_corrupt', 'weights.safetensors has different contents');
    // a re-download of identical bytes (new mtime, same hash) is accepted
    writeFileSync(w, Buffer.alloc(4096, 7));
    utimesSync(w, future, future);
    await verifySources(out, m);
  });

  test('missing, damaged or foreign manifest; damaged module file', async () => {
    const { out, manifest } = setup('bad');
    expectGlimmer(() => readManifest(out), 'model_missing', MANIFEST_FILE);
    writeFileSync(path.join(out, MANIFEST_FILE), '{"format": ');
    expectGlimmer(() => readManifest(out), 'model_corrupt', 'damaged');
    writeFileSync(path.join(out, MANIFEST_FILE), '{"format": "something-else", "modules": {}}');
    expectGlimmer(() => readManifest(out), 'model_corrupt', 'not a Glimmer model manifest');
    await writeManifest(out, manifest);
    const m = readManifest(out);
    writeFileSync(path.join(out, 'dit', 'dit.onnx.data'), Buffer.alloc(999, 1));
    await expectGlimmerAsync(verifyManifest(out, m), 'model_corrupt', 'dit.onnx.data', '999');
    rmSync(path.join(out, 'dit', 'dit.onnx'));
    await expectGlimmerAsync(verifyManifest(out, m), 'model_missing', 'dit.onnx');
    assert.equal(JSON.parse(readFileSync(path.join(out, MANIFEST_FILE), 'utf8')).version, MANIFEST_VERSION);
  });
});
