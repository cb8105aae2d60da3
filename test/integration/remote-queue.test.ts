/**
 * The studio's queue with remote targets: a real library (SQLite + image store in a temp folder),
 * servers.json, and fake OpenAI-style image servers on loopback (the GPU is what is fake). A job on a
 * server lands in the library like a local one, with a recipe naming the server; every kind of bad
 * server fails its job with a clear error while the queue goes on and nothing half-written stays;
 * lanes run side by side; pools share jobs; clients of serve are taken in turn; servers.* through
 * the router never hand a key back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EventBus, type GenerateRequestInput, GenerateRequest, type JobInfo, type JobTarget } from '../../main/contract';
import { EngineHost } from '../../main/engine/host';
import { type Library, openLibrary } from '../../main/library';
import { JobQueue } from '../../main/studio/queue';
import { RemoteTargets } from '../../main/studio/remote-targets';
import { ServerStore } from '../../main/studio/servers';
import { closedPort, type FakeOpenAiServer, startFakeOpenAiServer } from '../helpers/fake-openai-server';
import sharp from 'sharp';

const FAST = { retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50, maxRetryAfterMs: 2000 }, tickMs: 20, limits: { stallMs: 300, timeoutMs: 3000, maxBytes: 2 * 1024 * 1024 } };

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const n of names) {
    const p = path.join(dir, n);
    out = statSync(p).isDirectory() ? [...out, ...filesUnder(p)] : [...out, p];
  }
  return out;
}

interface Rig {
  dir: string;
  library: Library;
  store: ServerStore;
  targets: RemoteTargets;
  queue: JobQueue;
  events: EventBus;
  close(): Promise<void>;
}

async function rig(autoStart = true): Promise<Rig> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-remote-queue-'));
  const library = await openLibrary(dir);
  const events = new EventBus();
  const store = new ServerStore(dir);
  const targets = new RemoteTargets({ store, app: 'Glimmer Studio test', events, engineOptions: FAST, cooldownMs: 60_000 });
  // the engine host is never used by these jobs: its worker does not start
  const engine = new EngineHost({ app: 'test', settings: () => ({ modelDir: null, provider: 'cpu', memoryProfile: 'resident', precision: 'fp32' }), compileCacheDir: path.join(dir, 'cache') });
  const queue = new JobQueue({ engine, store: library.jobs, library, events, targets, autoStart });
  return {
    dir,
    library,
    store,
    targets,
    queue,
    events,
    async close() {
      await queue.dispose();
      await engine.dispose();
      library.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function req(target: JobTarget, r: Partial<GenerateRequestInput> = {}): GenerateRequest {
  return GenerateRequest.parse({ mode: 'text', prompt: 'a lighthouse at dusk', width: 256, height: 192, steps: 8, guidance: 1.5, seed: 3, target, ...r });
}

async function finished(queue: JobQueue, id: string): Promise<JobInfo> {
  await queue.idle();
  return queue.get(id);
}

describe('queue with remote targets', () => {
  let fake: FakeOpenAiServer;
  let r: Rig;
  let serverId: string;
  before(async () => {
    fake = await startFakeOpenAiServer({ key: 'sk-queue' });
    r = await rig();
    serverId = (await r.store.add({ name: 'GPU box', url: fake.url, kind: 'openai', key: 'sk-queue' })).id;
  });
  after(async () => {
    await r.close();
    await fake.close();
  });

  test('a job on a server lands in the library like a local one, its recipe naming the server', async () => {
    const source = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toBuffer();
    const job = await r.queue.submitChecked(req({ type: 'server', id: serverId }, { mode: 'edit', images: [{ dataBase64: source.toString('base64') }] }));
    assert.deepEqual(job.target, { type: 'server', id: serverId });
    assert.deepEqual(job.limits, ['arSeed', 'progress']);
    const done = await finished(r.queue, job.id);
    assert.equal(done.state, 'done', JSON.stringify(done.error));
    assert.deepEqual(done.server, { id: serverId, name: 'GPU box', kind: 'openai' });
    assert.equal(done.generationIds.length, 1);
    const g = r.library.getGeneration(Number(done.generationIds[0]));
    assert.equal(g.width, 256);
    assert.equal(g.height, 192);
    assert.equal(g.provider, 'remote');
    assert.equal((g.recipe as { remote: { server: string; kind: string; notTaken: string[] } }).remote.server, 'GPU box');
    assert.deepEqual((g.recipe as { remote: { notTaken: string[] } }).remote.notTaken, ['arSeed', 'progress']);
    assert.equal(g.references.length, 1, 'the source image is kept as the reference');
    assert.equal(r.store.jobsDone(serverId), 1);
  });

  test('every kind of bad server fails its job with a clear error; the queue goes on; nothing half-written', async () => {
    const down = await closedPort();
    const refused = (await r.store.add({ name: 'down', url: `http://127.0.0.1:${down}`, kind: 'openai' })).id;
    const wrongKey = (await r.store.add({ name: 'wrong key', url: fake.url, kind: 'openai', key: 'nope' })).id;
    const wrongUrl = (await r.store.add({ name: 'wrong url', url: `${fake.url}/not-here`, kind: 'openai', key: 'sk-queue' })).id;
    const statsBefore = r.library.stats();
    const filesBefore = filesUnder(path.join(r.dir)).length;
    fake.next({ kind: 'status', status: 500, body: { detail: 'CUDA out of memory' } }, { kind: 'notImage' }, { kind: 'wrongSize' }, { kind: 'stall' }, { kind: 'stall' }, { kind: 'huge', bytes: 4 * 1024 * 1024 });
    const on = (id: string) => r.queue.submit(req({ type: 'server', id })).id;
    const ids = {
      refused: on(refused),
      unauthorized: on(wrongKey),
      notFound: on(wrongUrl),
      error500: on(serverId),
      notImage: on(serverId),
      wrongSize: on(serverId),
      stalled: on(serverId),
      huge: on(serverId),
      fine: on(serverId),
    };
    await r.queue.idle();
    const messages = Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, r.queue.get(id)]));
    assert.equal(messages.fine!.state, 'done', 'the queue went on');
    const expect: Record<string, RegExp> = {
      refused: /"down" refused the connection/,
      unauthorized: /"wrong key" refused the key \(401\)/,
      notFound: /"wrong url" has no \/v1\/images\/generations \(404\)/,
      error500: /failed the job \(500\): CUDA out of memory/,
      notImage: /not a PNG, JPEG or WebP image/,
      wrongSize: /sent a 128x192 image where 256x192 was asked/,
      stalled: /stopped sending its answer/,
      huge: /larger than 2 MB/,
    };
    for (const [k, re] of Object.entries(expect)) {
      assert.equal(messages[k]!.state, 'failed', k);
      assert.match(messages[k]!.error!.message, re, k);
      assert.deepEqual(messages[k]!.generationIds, [], `${k}: no image`);
    }
    const statsAfter = r.library.stats();
    assert.equal(statsAfter.generations, statsBefore.generations + 1, 'only the fine job added a generation');
    const files = filesUnder(r.dir);
    assert.equal(files.filter((f) => f.endsWith('.part')).length, 0, 'no temp file left');
    // the one image and its thumbnails (and the journal of the database) at most
    assert.ok(files.length - filesBefore <= 6, `${files.length - filesBefore} new files`);
    assert.notEqual(r.targets.health.failingUntil(refused), null, 'the refusing server is marked as failing');
  });

  test('a masked edit for an OpenAI-style server is refused at submit: no job is made', async () => {
    const img = (await sharp({ create: { width: 32, height: 32, channels: 3, background: '#fff' } }).png().toBuffer()).toString('base64');
    const before = r.queue.list(true).length;
    await assert.rejects(
      r.queue.submitChecked(req({ type: 'server', id: serverId }, { mode: 'edit', images: [{ dataBase64: img }], mask: { dataBase64: img } })),
      /"GPU box" \(an OpenAI-style image server\) cannot do masked edits/,
    );
    assert.throws(() => r.queue.submit(req({ type: 'server', id: 'srv-nosuchserver' })), /There is no server srv-nosuchserver/);
    assert.throws(() => r.queue.submit(req({ type: 'pool', name: 'nobody' })), /no pool named "nobody"/);
    assert.equal(r.queue.list(true).length, before);
  });

  test('cancelling a running remote job aborts its request', async () => {
    fake.next({ kind: 'hang' });
    const n = fake.imageRequests().length;
    const job = r.queue.submit(req({ type: 'server', id: serverId }));
    await fake.waitForImageRequests(n + 1);
    r.queue.cancel(job.id);
    const done = await finished(r.queue, job.id);
    assert.equal(done.state, 'cancelled');
    const rec = fake.imageRequests()[n]!;
    for (let i = 0; i < 50 && !rec.clientGone; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(rec.clientGone, true);
  });
});

describe('lanes, pools and fairness', () => {
  test('two servers run their jobs side by side; a pool runs one job per server at once', async () => {
    const a = await startFakeOpenAiServer();
    const b = await startFakeOpenAiServer();
    const r = await rig();
    try {
      const sa = (await r.store.add({ name: 'a', url: a.url, kind: 'openai', pool: 'gpus' })).id;
      const sb = (await r.store.add({ name: 'b', url: b.url, kind: 'openai', pool: 'gpus' })).id;
      a.next({ kind: 'image', delayMs: 400 });
      b.next({ kind: 'image', delayMs: 400 });
      const j1 = r.queue.submit(req({ type: 'server', id: sa }));
      const j2 = r.queue.submit(req({ type: 'server', id: sb }));
      await Promise.all([a.waitForImageRequests(1), b.waitForImageRequests(1)]);
      assert.equal(r.queue.runningIds.length, 2, 'both run at once');
      await r.queue.idle();
      assert.equal(r.queue.get(j1.id).state, 'done');
      assert.equal(r.queue.get(j2.id).state, 'done');
      // a pool of two: two jobs at once, one on each; a third waits for a free server
      a.next({ kind: 'image', delayMs: 400 });
      b.next({ kind: 'image', delayMs: 400 });
      const pool = [1, 2, 3].map(() => r.queue.submit(req({ type: 'pool', name: 'gpus' })));
      await Promise.all([a.waitForImageRequests(2), b.waitForImageRequests(2)]);
      assert.equal(r.queue.runningIds.length, 2);
      await r.queue.idle();
      const servers = pool.map((j) => r.queue.get(j.id).server?.name);
      assert.deepEqual(pool.map((j) => r.queue.get(j.id).state), ['done', 'done', 'done']);
      assert.equal(new Set(servers.slice(0, 2)).size, 2, 'the first two went to different servers');
      assert.equal(a.imageRequests().length + b.imageRequests().length, 5);
    } finally {
      await r.close();
      await a.close();
      await b.close();
    }
  });

  test('serve\'s clients are taken in turn: one client\'s long queue does not hold another\'s job back', async () => {
    const s = await startFakeOpenAiServer();
    const r = await rig(false);
    try {
      const id = (await r.store.add({ name: 's', url: s.url, kind: 'openai' })).id;
      const t: JobTarget = { type: 'server', id };
      for (const [prompt, client] of [['alice 1', 'alice'], ['alice 2', 'alice'], ['alice 3', 'alice'], ['bob 1', 'bob'], ['carol 1', 'carol'], ['bob 2', 'bob']] as const) {
        r.queue.submit(req(t, { prompt }), client);
      }
      r.queue.start();
      await r.queue.idle();
      assert.deepEqual(s.imageRequests().map((q) => q.json!.prompt), ['alice 1', 'bob 1', 'carol 1', 'alice 2', 'bob 2', 'alice 3']);
    } finally {
      await r.close();
      await s.close();
    }
  });
});
