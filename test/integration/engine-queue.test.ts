/**
 * The job queue with a real library (SQLite + image store in a temp folder) and the tiny model:
 * three jobs with one cancelled, reordering, events, results saved as generations, and the
 * interrupted state of a job that was running when the app stopped. Also the API handlers and
 * settings persistence through createApp.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CallResult, type EventMessage, type Events, type GenerateRequest, type JobInfo, type Method, type RequestOf, type ResponseOf, EventBus } from '../../main/contract';
import { type App, createApp } from '../../main/api';
import { JobQueue } from '../../main/studio/queue';
import { openLibrary, png } from '../../main/library';
import { compiledTinyModel, testEngineHost } from '../helpers/engine';

function call<M extends Method>(app: App, method: M, request: RequestOf<M>): Promise<CallResult<ResponseOf<M>>> {
  return app.router.call(method, request, { transport: 'test' }) as Promise<CallResult<ResponseOf<M>>>;
}

const req = (seed: number, prompt = 'a lighthouse'): GenerateRequest => ({ mode: 'text', prompt, width: 64, height: 64, steps: 2, guidance: 1.5, seed, count: 1 });

describe('job queue', () => {
  let modelDir: string;
  let dataDir: string;
  before(async () => {
    modelDir = await compiledTinyModel();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-queue-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('three jobs in order, one cancelled while waiting; results in the library', async () => {
    const library = await openLibrary(path.join(dataDir, 'a'));
    const events = new EventBus();
    const seen: EventMessage[] = [];
    events.subscribe((m) => seen.push(m));
    const engine = testEngineHost(modelDir);
    const queue = new JobQueue({ engine, store: library.jobs, library, events, autoStart: false });
    try {
      const a = queue.submit(req(1));
      const b = queue.submit(req(2));
      const c = queue.submit(req(3));
      assert.deepEqual([a, b, c].map((j) => [j.state, j.position]), [['waiting', 0], ['waiting', 1], ['waiting', 2]]);
      const cancelled = queue.cancel(b.id);
      assert.equal(cancelled.state, 'cancelled');
      // c before a
      const order = queue.reorder(c.id, 0);
      assert.deepEqual(order.map((j) => j.id), [c.id, a.id]);
      queue.start();
      await queue.idle();
      const jobs = new Map(queue.list(true).map((j) => [j.id, j]));
      assert.equal(jobs.get(a.id)!.state, 'done');
      assert.equal(jobs.get(b.id)!.state, 'cancelled');
      assert.equal(jobs.get(c.id)!.state, 'done');
      assert.deepEqual(queue.list(false), []);
      // ran in the reordered order: c's 'running' update came before a's
      const running = seen.filter((m) => m.event === 'job.updated' && (m.payload as { job: JobInfo }).job.state === 'running').map((m) => (m.payload as { job: JobInfo }).job.id);
      assert.deepEqual(running, [c.id, a.id]);
      assert.ok(seen.some((m) => m.event === 'job.progress' && (m.payload as Events['job.progress']).progress.phase === 'dit'));
      assert.ok(seen.some((m) => m.event === 'job.progress' && /^data:image\/png;base64,/.test((m.payload as Events['job.progress']).progress.preview ?? '')));
      // one generation each for a and c, with the image file and its recipe
      for (const id of [a.id, c.id]) {
        const job = jobs.get(id)!;
        assert.equal(job.generationIds.length, 1);
        const g = library.getGeneration(Number(job.generationIds[0]));
        assert.equal(g.jobId, id);
        assert.equal(g.status, 'done');
        const file = library.imageFile(g.media!.hash);
        const meta = png.readPngMetadata(readFileSync(file));
        assert.equal(meta.recipe?.seed, id === a.id ? 1 : 3);
        assert.equal((g.recipe as { arTokensHash?: string }).arTokensHash, (meta.recipe as { arTokensHash?: string }).arTokensHash);
      }
      assert.equal(library.stats().generations, 2);
    } finally {
      await queue.dispose();
      await engine.dispose();
      library.close();
    }
  });

  test('cancelling the running job stops it; the next one runs', async () => {
    const library = await openLibrary(path.join(dataDir, 'b'));
    const events = new EventBus();
    const engine = testEngineHost(modelDir);
    const queue = new JobQueue({ engine, store: library.jobs, library, events, progressIntervalMs: 0 });
    try {
      let first: JobInfo | undefined;
      events.subscribe((m) => {
        if (m.event !== 'job.progress' || !first) return;
        const p = m.payload as Events['job.progress'];
        if (p.jobId === first.id && p.progress.phase === 'dit' && p.progress.step === 1) queue.cancel(first.id);
      });
      first = queue.submit(req(4));
      const second = queue.submit(req(5));
      await queue.idle();
      assert.equal(queue.get(first.id).state, 'cancelled');
      assert.deepEqual(queue.get(first.id).generationIds, []);
      assert.equal(queue.get(second.id).state, 'done');
      // a cancelled job can be retried as a new job
      const again = queue.retry(first.id);
      assert.notEqual(again.id, first.id);
      await queue.idle();
      assert.equal(queue.get(again.id).state, 'done');
    } finally {
      await queue.dispose();
      await engine.dispose();
      library.close();
    }
  });

  test('a bad image is refused at submit; one already queued fails with bad_image and the queue goes on', async () => {
    const engine = testEngineHost(modelDir);
    const library = await openLibrary(path.join(dataDir, 'c'));
    const queue = new JobQueue({ engine, store: library.jobs, library });
    try {
      const badRequest: GenerateRequest = { mode: 'identity', prompt: 'x', width: 64, height: 64, steps: 1, guidance: 1.5, seed: 1, count: 1, subject: { dataBase64: 'aGVsbG8=', name: 'me.png' } };
      // refused at submit: no job is made
      await assert.rejects(queue.submitChecked(badRequest), (err: unknown) => (err as { code?: string }).code === 'bad_image' && /me\.png/.test((err as Error).message));
      assert.deepEqual(queue.list(true), []);
      // one that got in anyway (stored earlier) fails alone with bad_image
      const bad = queue.submit(badRequest);
      const good = await queue.submitChecked(req(6));
      await queue.idle();
      assert.equal(queue.get(bad.id).state, 'failed');
      assert.equal(queue.get(bad.id).error?.code, 'bad_image');
      assert.equal(queue.get(good.id).state, 'done');
    } finally {
      await queue.dispose();
      await engine.dispose();
      library.close();
    }
  });

  test('after a restart, a job that was running is interrupted (not lost) and can be retried; settings persist', async () => {
    const dir = path.join(dataDir, 'restart');
    const env = { GLIMMER_DATA_DIR: dir, GLIMMER_MODELS_DIR: path.join(dir, 'models') };
    const paths = { dataDir: env.GLIMMER_DATA_DIR, modelsDir: env.GLIMMER_MODELS_DIR };
    // first run: settings, a job that is running when the app "stops"
    const app1 = createApp({ mode: 'serve', paths, log: () => undefined });
    const set = await call(app1, 'settings.update', { modelDir, memoryProfile: 'resident', provider: 'cpu' });
    assert.ok(set.ok, JSON.stringify(set));
    await app1.dispose();
    // a job the previous run had started when it stopped (written as that run's queue would have)
    const lib1 = await openLibrary(dir, { markInterrupted: false });
    lib1.jobs.add('job-crashed', req(9));
    lib1.jobs.update('job-crashed', { state: 'running' });
    lib1.close();

    const app2 = createApp({ mode: 'serve', paths, log: () => undefined });
    try {
      const settings = await call(app2, 'settings.get', {});
      assert.ok(settings.ok);
      assert.equal(settings.value.modelDir, modelDir);
      assert.equal(settings.value.memoryProfile, 'resident');
      const listed = await call(app2, 'jobs.list', { includeFinished: true });
      assert.ok(listed.ok, JSON.stringify(listed));
      const job = listed.value.jobs.find((j) => j.id === 'job-crashed');
      assert.equal(job?.state, 'interrupted');
      assert.equal(job?.request.prompt, 'a lighthouse');
      const status = await call(app2, 'engine.status', {});
      assert.ok(status.ok);
      assert.equal(status.value.provider.chosen, 'cpu');
      assert.equal(status.value.memoryProfile, 'resident');
      const updates: JobInfo[] = [];
      app2.ctx.events.subscribe((m) => m.event === 'job.updated' && updates.push((m.payload as Events['job.updated']).job));
      const retried = await call(app2, 'jobs.retry', { id: 'job-crashed' });
      assert.ok(retried.ok, JSON.stringify(retried));
      await (await app2.ctx.engine.queue()).idle();
      const done = await call(app2, 'jobs.list', { includeFinished: true });
      assert.ok(done.ok);
      assert.equal(done.value.jobs.find((j) => j.id === retried.value.job.id)?.state, 'done');
      assert.ok(updates.some((j) => j.id === retried.value.job.id && j.state === 'done'));
      const refused = await call(app2, 'jobs.submit', { mode: 'edit', prompt: 'x', width: 512, height: 512, images: [{ dataBase64: 'bm90IGFuIGltYWdl', name: 'scan.tif' }] });
      assert.ok(!refused.ok && refused.error.code === 'bad_image' && /scan\.tif/.test(refused.error.message), JSON.stringify(refused));
      // the API takes the studio's sizes only (the engine itself still runs 64x64 for the tiny tests)
      const small = await call(app2, 'jobs.submit', { mode: 'text', prompt: 'x', width: 256, height: 256 });
      assert.ok(!small.ok && small.error.code === 'bad_request' && /multiples of 32 from 512 to 2048/.test(small.error.message), JSON.stringify(small));
      const bad = await call(app2, 'jobs.cancel', { id: 'no-such-job' });
      assert.ok(!bad.ok && bad.error.code === 'not_found');
    } finally {
      await app2.dispose();
    }
  });
});
