/**
 * Finding, validating, importing and listing checkpoints, all on disk (no network): the Hugging Face cache layout
 * built in a temp dir with symlinks like the real cache, a sharded copy with a missing or cut shard, damaged
 * configs, import by reference and by copy, and the models folder listing with compiled-model manifests.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isCodedError } from '../../main/contract';
import {
  findInHfCache,
  hubCacheDir,
  importCheckpoint,
  listModels,
  NAME_FILE,
  removeModel,
  reportMessage,
  validateCheckpoint,
} from '../../main/models';
import { SafetensorsCheckpoint, writeShardedSafetensors, type SafetensorsDType } from '../../native-models/safetensors';
import { writableCopy } from '../helpers/writable-copy';
import { checkpointBytes, checkpointDir, checkpointFiles } from '../helpers/fixtures';

const REPO = 'zai-org/GLM-Image';


/** Builds <cache>/models--zai-org--GLM-Image the way huggingface_hub does: blobs by hash, snapshot symlinks, refs. */
async function buildHfCache(cache: string, commit: string, files: string[], ref: string | null): Promise<string> {
  const repoDir = path.join(cache, `models--${REPO.replace('/', '--')}`);
  const snap = path.join(repoDir, 'snapshots', commit);
  for (const f of files) {
    const data = readFileSync(path.join(checkpointDir(), f));
    const blob = createHash('sha256').update(data).digest('hex');
    await mkdir(path.join(repoDir, 'blobs'), { recursive: true });
    await writeFile(path.join(repoDir, 'blobs', blob), data);
    const link = path.join(snap, ...f.split('/'));
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.relative(path.dirname(link), path.join(repoDir, 'blobs', blob)), link);
  }
  if (ref) {
    await mkdir(path.join(repoDir, 'refs'), { recursive: true });
    await writeFile(path.join(repoDir, 'refs', ref), commit);
  }
  return snap;
}

/** A copy of the fixture whose AR weights are split into two shards with an index, like the real checkpoint. */
async function shardedCopy(dest: string): Promise<{ shards: string[] }> {
  await writableCopy(checkpointDir(), dest);
  const comp = path.join(dest, 'vision_language_encoder');
  const ck = await SafetensorsCheckpoint.open(path.join(comp, 'model.safetensors'));
  const names = ck.names().sort();
  const tensors: Record<string, { dtype: SafetensorsDType; shape: number[]; data: Buffer }> = {};
  for (const n of names) {
    const e = ck.entry(n);
    tensors[n] = { dtype: e.dtype, shape: e.shape, data: await ck.readRaw(n) };
  }
  await ck.close();
  const half = Math.ceil(names.length / 2);
  await unlink(path.join(comp, 'model.safetensors'));
  await writeShardedSafetensors(comp, 'model', tensors, [names.slice(0, half), names.slice(half)]);
  return { shards: ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'] };
}

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-models-find-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('validateCheckpoint', () => {
  test('the fixture checkpoint is complete; size and precision come from its files', async () => {
    const report = await validateCheckpoint(checkpointDir());
    assert.ok(report.ok, report.summary);
    assert.equal(report.totalBytes, checkpointBytes());
    assert.equal(report.precision, 'fp32');
    assert.deepEqual(report.problems, []);
    assert.equal(report.components.length, 7);
  });

  test('a sharded checkpoint validates; a missing shard and a cut shard are named', async () => {
    const dir = path.join(tmp, 'sharded');
    const { shards } = await shardedCopy(dir);
    const ok = await validateCheckpoint(dir);
    assert.ok(ok.ok, ok.summary);
    assert.ok(ok.components.find((c) => c.name === 'vision_language_encoder')!.files.some((f) => f.endsWith('.index.json')));

    await unlink(path.join(dir, 'vision_language_encoder', shards[1]!));
    const missing = await validateCheckpoint(dir);
    assert.equal(missing.ok, false);
    assert.equal(missing.problems.length, 1);
    assert.equal(missing.problems[0]!.kind, 'missing');
    assert.equal(missing.problems[0]!.path, `vision_language_encoder/${shards[1]}`);
    assert.match(missing.problems[0]!.message, /shard 2 of 2/);
    assert.ok(missing.problems.some((p) => /model-00002-of-00002\.safetensors/.test(p.message)), JSON.stringify(missing.problems));
    assert.match(reportMessage(missing), /model-00002-of-00002\.safetensors/);
    assert.equal(missing.components.find((c) => c.name === 'vision_language_encoder')!.ok, false);
    assert.ok(missing.components.filter((c) => c.name !== 'vision_language_encoder').every((c) => c.ok));

    const first = path.join(dir, 'vision_language_encoder', shards[0]!);
    await truncate(first, statSync(first).size - 10);
    const cut = await validateCheckpoint(dir);
    assert.ok(cut.problems.some((p) => p.kind === 'incomplete' && p.path.endsWith(shards[0]!)));
  });

  test('missing components, configs and damaged JSON are each reported', async () => {
    const dir = path.join(tmp, 'broken');
    await writableCopy(checkpointDir(), dir);
    await rm(path.join(dir, 'scheduler'), { recursive: true });
    await unlink(path.join(dir, 'transformer', 'config.json'));
    await writeFile(path.join(dir, 'vae', 'config.json'), '{ not json');
    const report = await validateCheckpoint(dir);
    assert.equal(report.ok, false);
    const paths = report.problems.map((p) => `${p.kind}:${p.path}`).sort();
    assert.deepEqual(paths, ['corrupt:vae/config.json', 'missing:scheduler/', 'missing:transformer/config.json']);
    // a folder that is not there is "not found", one problem, never a list of every missing file
    const empty = await validateCheckpoint(path.join(tmp, 'does-not-exist'));
    assert.equal(empty.ok, false);
    assert.equal(empty.found, false);
    assert.equal(empty.problems.length, 1);
    assert.match(empty.summary, /^Not found: .*does-not-exist does not exist/);
    // each problem once, in the list; the summary counts them and says what to do without repeating them
    assert.doesNotMatch(report.summary, /transformer\/config\.json/);
    assert.match(report.summary, /2 missing, 1 damaged/);
    const message = reportMessage(report);
    for (const p of ['scheduler/', 'transformer/config.json', 'vae/config.json']) assert.equal(message.split(p).length - 1, 1, `${p} once in: ${message}`);
  });
});

describe('the Hugging Face cache', () => {
  test('HF_HUB_CACHE, HF_HOME and the default folder are resolved like huggingface_hub', () => {
    assert.equal(hubCacheDir({ HF_HUB_CACHE: '/x/cache' }), path.resolve('/x/cache'));
    assert.equal(hubCacheDir({ HF_HOME: '/y' }), path.resolve('/y/hub'));
    assert.equal(hubCacheDir({}), path.join(os.homedir(), '.cache', 'huggingface', 'hub'));
  });

  test('a snapshot (symlinks into blobs/) is found through refs/main and validates in place, without any network', async () => {
    const home = path.join(tmp, 'hf-home');
    const cache = path.join(home, 'hub');
    const commit = 'a'.repeat(40);
    const snap = await buildHfCache(cache, commit, checkpointFiles(), 'main');
    // An older, partial snapshot without a ref.
    await buildHfCache(cache, 'b'.repeat(40), checkpointFiles().filter((f) => !f.startsWith('transformer/')), null);
    // No hub is reachable: any network use would fail.
    const env = { HF_HOME: home, HF_ENDPOINT: 'http://127.0.0.1:9' };
    const found = await findInHfCache({ env });
    assert.equal(found.length, 2);
    assert.equal(found[0]!.revision, commit);
    assert.deepEqual(found[0]!.refs, ['main']);
    assert.equal(found[0]!.dir, snap);
    assert.ok(found[0]!.report.ok, found[0]!.report.summary);
    assert.equal(found[0]!.report.totalBytes, checkpointBytes());
    assert.equal(found[1]!.report.ok, false);
    assert.ok(found[1]!.report.problems.some((p) => p.path.startsWith('transformer/')));

    assert.equal((await findInHfCache({ env: { HF_HUB_CACHE: cache }, revision: 'main' }))[0]!.revision, commit);
    assert.equal((await findInHfCache({ env: { HF_HUB_CACHE: cache }, revision: 'b'.repeat(40) }))[0]!.report.ok, false);
    assert.deepEqual(await findInHfCache({ env: { HF_HUB_CACHE: path.join(tmp, 'empty-cache') } }), []);

    // The models list shows the cached checkpoint, ready, used in place.
    const list = await listModels({ modelsDir: path.join(tmp, 'models-empty'), env });
    const cached = list.filter((m) => m.source === 'hf-cache');
    assert.equal(cached.length, 2);
    assert.equal(cached[0]!.status, 'ready');
    assert.equal(cached[0]!.path, snap);
    assert.equal(cached[1]!.status, 'incomplete');
  });
});

describe('import and the models folder', () => {
  test('import by reference and by copy; an incomplete folder is refused with its report', async () => {
    const modelsDir = path.join(tmp, 'models');
    const env = { HF_HUB_CACHE: path.join(tmp, 'no-cache') };
    const ref = await importCheckpoint(checkpointDir(), { modelsDir, mode: 'reference', name: 'tiny' });
    assert.equal(ref.status, 'ready');
    assert.equal(ref.source, 'reference');
    // Importing the same folder again does not add it twice.
    await importCheckpoint(checkpointDir(), { modelsDir, mode: 'reference' });

    const progress: number[] = [];
    const copy = await importCheckpoint(checkpointDir(), { modelsDir, mode: 'copy', name: 'tiny', onProgress: (p) => progress.push(p.bytes) });
    assert.equal(copy.status, 'ready');
    assert.equal(copy.source, 'import');
    assert.equal(copy.sizeBytes, checkpointBytes());
    assert.equal(progress[progress.length - 1], checkpointBytes());
    for (const f of checkpointFiles()) {
      assert.ok(readFileSync(path.join(copy.path, f)).equals(readFileSync(path.join(checkpointDir(), f))), f);
    }

    const broken = path.join(tmp, 'broken-import');
    await writableCopy(checkpointDir(), broken);
    await unlink(path.join(broken, 'vae', 'diffusion_pytorch_model.safetensors'));
    await assert.rejects(importCheckpoint(broken, { modelsDir, mode: 'copy' }), (err: unknown) => {
      assert.ok(isCodedError(err));
      assert.equal(err.code, 'model_missing');
      assert.match(err.message, /vae\//);
      return true;
    });
    assert.equal(existsSync(path.join(modelsDir, 'checkpoints', 'broken-import')), false);

    // A full disk refuses a copy before anything is written.
    await assert.rejects(
      importCheckpoint(checkpointDir(), { modelsDir, mode: 'copy', name: 'nospace', freeSpace: async () => 10, reserveBytes: 0 }),
      (err: unknown) => isCodedError(err) && err.code === 'disk_full',
    );
    assert.equal(existsSync(path.join(modelsDir, 'checkpoints', 'nospace')), false);

    const list = await listModels({ modelsDir, env });
    const checkpoints = list.filter((m) => m.kind === 'checkpoint');
    assert.equal(checkpoints.length, 2);
    assert.ok(checkpoints.every((m) => m.status === 'ready' && m.precision === 'fp32' && m.sizeBytes === checkpointBytes()));

    // Remove: a reference is forgotten (files stay), a copy is deleted; the HF cache and odd ids are refused.
    const gone = await removeModel(modelsDir, ref.id);
    // an import records the folder's real path (a fixture folder reached through a link is the same folder)
    assert.deepEqual(gone, { removed: 'reference', path: realpathSync(checkpointDir()), freedBytes: 0 });
    assert.ok(existsSync(path.join(checkpointDir(), 'model_index.json')));
    // a copy keeps the name it was imported under beside its files
    assert.deepEqual(JSON.parse(readFileSync(path.join(copy.path, NAME_FILE), 'utf8')), { name: 'tiny' });
    const nameBytes = statSync(path.join(copy.path, NAME_FILE)).size;
    const deleted = await removeModel(modelsDir, copy.id);
    assert.equal(deleted.removed, 'files');
    assert.equal(deleted.freedBytes, checkpointBytes() + nameBytes);
    assert.equal(existsSync(copy.path), false);
    assert.deepEqual(await listModels({ modelsDir, env }), []);
    for (const [id, code] of [
      ['hf-cache:abc', 'forbidden'],
      ['checkpoint:..', 'not_found'],
      ['checkpoint:../../etc', 'not_found'],
      ['compiled:nope', 'not_found'],
      [ref.id, 'not_found'],
    ] as const) {
      await assert.rejects(removeModel(modelsDir, id), (err: unknown) => isCodedError(err) && err.code === code, id);
    }
  });

  test('compiled folders without a finished compile are listed as unknown, incomplete or stale', async () => {
    // Real compiles are covered by models-compile.test.ts; here, the folders a compile can leave behind.
    const modelsDir = path.join(tmp, 'models-compiled');
    const env = { HF_HUB_CACHE: path.join(tmp, 'no-cache') };
    const mk = async (name: string, files: Record<string, string>) => {
      const dir = path.join(modelsDir, 'compiled', name);
      for (const [f, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
        await writeFile(path.join(dir, f), content);
      }
    };
    await mk('bare', { 'x.onnx': 'y' });
    await mk('interrupted', { 'ar/.module.json': '{}', 'vision.partial/vision.onnx': 'z' });
    await mk('other-format', { 'manifest.json': JSON.stringify({ format: 'glimmer-compiled-model', version: 999, modules: {} }) });
    const list = await listModels({ modelsDir, env });
    const by = Object.fromEntries(list.map((m) => [m.name, m]));
    assert.equal(by['bare']!.status, 'unknown');
    assert.equal(by['interrupted']!.status, 'incomplete');
    assert.match(by['interrupted']!.detail, /resume/);
    assert.equal(by['other-format']!.status, 'stale');
    assert.match(by['other-format']!.detail, /newer Glimmer Studio/);
    assert.ok(list.every((m) => m.kind === 'compiled'));

    // Removing a compiled folder works even when parts of it are read-only (copied from a read-only source).
    await mk('read-only', { 'assets/scheduler/scheduler_config.json': '{}' });
    const ro = path.join(modelsDir, 'compiled', 'read-only');
    await chmod(path.join(ro, 'assets', 'scheduler', 'scheduler_config.json'), 0o444);
    await chmod(path.join(ro, 'assets', 'scheduler'), 0o555);
    await chmod(path.join(ro, 'assets'), 0o555);
    const removed = await removeModel(modelsDir, 'compiled:read-only');
    assert.equal(removed.removed, 'files');
    assert.equal(existsSync(ro), false);
  });
});
