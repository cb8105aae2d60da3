/**
 * Compiling the fixture checkpoint into the models folder through CompileJobs (real native-models compile):
 * interrupted after a module and resumed (finished modules kept, not rebuilt), then listed ready with its
 * precision; a compiled file gone → incomplete; the checkpoint changed since → stale (recompile, never a mix).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CompileJobs, listModels, type CompileJob } from '../../main/models';
import { readManifest } from '../../native-models';
import { writableCopy } from '../helpers/writable-copy';
import { checkpointDir } from '../helpers/fixtures';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-models-compile-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('compile into the models folder', () => {
  test('interrupted after a module and resumed; listed ready; a lost file or a changed checkpoint is flagged', async () => {
    const source = path.join(tmp, 'checkpoint');
    await writableCopy(checkpointDir(), source);
    const modelsDir = path.join(tmp, 'models');
    const env = { HF_HUB_CACHE: path.join(tmp, 'no-cache') };
    const jobs = new CompileJobs({ modelsDir });
    const seen: CompileJob[] = [];
    let stopAfter: string | null = 'ar';
    jobs.subscribe((job, kind) => {
      if (kind !== 'progress') return;
      seen.push(job);
      if (job.progress?.module === stopAfter && job.progress.state === 'done') {
        stopAfter = null;
        void jobs.cancel(job.id);
      }
    });

    const first = await jobs.start({ source, precision: 'fp32' });
    assert.equal(first.state, 'running');
    const cancelled = await jobs.settled(first.id);
    assert.equal(cancelled.state, 'cancelled', JSON.stringify(cancelled.error));
    const builtFirst = seen.filter((j) => j.progress?.state === 'done').map((j) => j.progress!.module);
    assert.deepEqual(builtFirst, ['assets', 'ar']);
    const arOnnx = (await stat(path.join(first.dir, 'ar'))).mtimeMs;
    let entry = (await listModels({ modelsDir, env })).find((m) => m.kind === 'compiled')!;
    assert.equal(entry.status, 'incomplete');
    assert.match(entry.detail, /resume/);

    seen.length = 0;
    const second = await jobs.start({ source, precision: 'fp32' });
    assert.equal(second.id, first.id, 'same checkpoint + precision → same folder, resumed');
    const done = await jobs.settled(second.id);
    assert.equal(done.state, 'done', JSON.stringify(done.error));
    const states = Object.fromEntries(seen.filter((j) => j.progress!.state !== 'start').map((j) => [j.progress!.module, j.progress!.state]));
    assert.deepEqual(states, { assets: 'skipped', ar: 'skipped', vision: 'done', glyph: 'done', dit: 'done', vae: 'done' });
    assert.equal((await stat(path.join(first.dir, 'ar'))).mtimeMs, arOnnx, 'the finished AR module was not rebuilt');

    const manifest = readManifest(done.dir);
    assert.equal(manifest.precision, 'fp32');
    assert.equal(manifest.source.checkpoint, source);
    entry = (await listModels({ modelsDir, env })).find((m) => m.kind === 'compiled')!;
    assert.equal(entry.status, 'ready', entry.detail);
    assert.equal(entry.precision, 'fp32');
    const files = Object.values(manifest.modules).flatMap((m) => m.files);
    assert.ok(entry.sizeBytes >= files.reduce((s, f) => s + f.bytes, 0));

    // A compiled file lost → incomplete, naming it.
    const victim = files.find((f) => f.path.endsWith('.onnx'))!;
    await unlink(path.join(done.dir, victim.path));
    entry = (await listModels({ modelsDir, env })).find((m) => m.kind === 'compiled')!;
    assert.equal(entry.status, 'incomplete');
    assert.ok(entry.detail.includes(path.basename(victim.path)), entry.detail);

    // The checkpoint changed since compiling → stale.
    await writeFile(path.join(source, 'scheduler', 'scheduler_config.json'), '{"_class_name": "FlowMatchEulerDiscreteScheduler"}');
    entry = (await listModels({ modelsDir, env })).find((m) => m.kind === 'compiled')!;
    assert.equal(entry.status, 'stale');
    assert.match(entry.detail, /changed/);
  });

  test('an incomplete checkpoint is refused before anything is compiled', async () => {
    const source = path.join(tmp, 'broken');
    await writableCopy(checkpointDir(), source);
    await unlink(path.join(source, 'transformer', 'diffusion_pytorch_model.safetensors'));
    const jobs = new CompileJobs({ modelsDir: path.join(tmp, 'models2') });
    await assert.rejects(jobs.start({ source, precision: 'fp16' }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'model_missing');
      assert.match(err.message, /transformer\//);
      return true;
    });
    assert.deepEqual(jobs.list(), []);
  });
});
