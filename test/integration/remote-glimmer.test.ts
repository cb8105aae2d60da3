/**
 * Two `glimmer serve` processes on loopback (the same command users run), the tiny model on the
 * serving one: studio A sends a masked edit to studio B as a Glimmer server, follows B's exact
 * progress (with previews) and gets the image with B's recipe naming B; "vary details" of that image
 * goes to B with its tokens; a wrong token is refused, by the test and by the job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import WebSocket from 'ws';
import type { EventMessage, JobInfo, JobProgress, LibraryGeneration, ServerInfo, ServerTest } from '../../main/contract';
import { compiledTinyModel } from '../helpers/engine';
import { startServe, type ServeProcess } from '../helpers/serve';
import { studioApi, type StudioApi } from '../helpers/studio';

function tokenOf(s: ServeProcess): string {
  return new URL(s.openUrl).searchParams.get('token')!;
}

/** Every event of a serve, as it comes. */
async function listen(s: ServeProcess): Promise<{ events: EventMessage[]; close(): void }> {
  const ws = new WebSocket(`${s.origin.replace('http', 'ws')}/api/events`, { headers: { authorization: `Bearer ${tokenOf(s)}` } });
  const events: EventMessage[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString()) as EventMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { events, close: () => ws.terminate() };
}

async function waitFor(api: StudioApi, id: string, timeoutMs = 240_000): Promise<JobInfo> {
  const t0 = Date.now();
  for (;;) {
    const { jobs } = await api.call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true });
    const job = jobs.find((j) => j.id === id);
    if (job && ['done', 'failed', 'cancelled', 'interrupted'].includes(job.state)) return job;
    if (Date.now() - t0 > timeoutMs) throw new Error(`job ${id} did not finish: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a studio running jobs on another Glimmer server', () => {
  let a: ServeProcess;
  let b: ServeProcess;
  let apiA: StudioApi;
  let apiB: StudioApi;
  let serverId: string;
  before(async () => {
    const modelDir = await compiledTinyModel();
    [a, b] = await Promise.all([startServe(), startServe()]);
    [apiA, apiB] = await Promise.all([studioApi(a), studioApi(b)]);
    await apiB.call('settings.update', { modelDir, provider: 'cpu', memoryProfile: 'resident', precision: 'fp32' });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test('add B as a server and test it: what it is, its model; the key is never read back', async () => {
    const { server } = await apiA.call<{ server: ServerInfo }>('servers.add', { name: 'studio B', url: b.origin, kind: 'glimmer', key: tokenOf(b) });
    serverId = server.id;
    assert.equal(server.keySet, true);
    assert.ok(!JSON.stringify(server).includes(tokenOf(b)), 'the token does not come back');
    const listed = await apiA.call<{ servers: ServerInfo[] }>('servers.list', {});
    assert.ok(!JSON.stringify(listed).includes(tokenOf(b)));
    const t = await apiA.call<ServerTest>('servers.test', { id: serverId });
    assert.equal(t.ok, true, t.message);
    assert.match(t.product!, /^Glimmer Studio /);
    assert.ok(t.model, 'it names its model');
    // kind found by asking the server itself
    const detected = await apiA.call<ServerTest>('servers.test', { url: b.origin, key: tokenOf(b) });
    assert.equal(detected.kind, 'glimmer');
    assert.ok(!a.output().includes(tokenOf(b)), "A's log never shows B's token");
  });

  test('a masked edit runs on B: exact progress with previews here, the image with its recipe in A\'s library', async () => {
    const source = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 60, b: 40 } } }).png().toBuffer();
    const mask = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .composite([{ input: { create: { width: 32, height: 32, channels: 3, background: '#ffffff' } }, left: 16, top: 16 }])
      .png()
      .toBuffer();
    const events = await listen(a);
    try {
      const { job } = await apiA.call<{ job: JobInfo }>('jobs.submit', {
        mode: 'edit',
        prompt: 'a red square with a "sign"',
        width: 512,
        height: 512,
        steps: 2,
        seed: 11,
        images: [{ dataBase64: source.toString('base64') }],
        mask: { dataBase64: mask.toString('base64') },
        target: { type: 'server', id: serverId },
      });
      assert.deepEqual(job.limits, [], 'a Glimmer server takes every mode');
      const done = await waitFor(apiA, job.id);
      assert.equal(done.state, 'done', JSON.stringify(done.error));
      assert.deepEqual(done.server, { id: serverId, name: 'studio B', kind: 'glimmer' });
      const progress = events.events.filter((m) => m.event === 'job.progress' && (m.payload as { jobId: string }).jobId === job.id).map((m) => (m.payload as { progress: JobProgress }).progress);
      assert.ok(progress.some((p) => p.phase === 'dit' && p.total === 2), 'exact diffusion steps from B');
      assert.ok(progress.some((p) => p.phase === 'ar' && p.total > 0), 'exact token counts from B');
      assert.ok(progress.some((p) => typeof p.preview === 'string' && p.preview.startsWith('data:image/png;base64,')), 'previews from B');
      assert.ok(progress.every((p) => p.estimated !== true));
      const { generation } = await apiA.call<{ generation: LibraryGeneration }>('library.get', { id: done.generationIds[0]! });
      const recipe = generation.recipe as Record<string, unknown> & { remote: { server: string; kind: string; product: string; notTaken: string[] } };
      assert.equal(recipe.remote.server, 'studio B');
      assert.equal(recipe.remote.kind, 'glimmer');
      assert.match(recipe.remote.product, /^Glimmer Studio/);
      assert.deepEqual(recipe.remote.notTaken, []);
      assert.match(String(recipe.mask), /^[0-9a-f]{64}$/, "B's recipe keeps the mask's hash");
      assert.equal(recipe.seed, 11);
      assert.ok(recipe.arTokens, 'the AR tokens came back');
      assert.equal(generation.width, 512);
      // B keeps its own copy in its library too
      const inB = await apiB.call<{ items: unknown[] }>('library.search', {});
      assert.equal(inB.items.length, 1);

      // "vary details" of that image, on B: its tokens go with the job
      const { job: vary } = await apiA.call<{ job: JobInfo }>('jobs.submit', {
        mode: 'text',
        prompt: 'a red square with a "sign"',
        width: 512,
        height: 512,
        steps: 2,
        seed: 12,
        reuseTokensOf: done.generationIds[0],
        parentId: done.generationIds[0],
        target: { type: 'server', id: serverId },
      });
      const varied = await waitFor(apiA, vary.id);
      assert.equal(varied.state, 'done', JSON.stringify(varied.error));
      const { generation: g2 } = await apiA.call<{ generation: LibraryGeneration }>('library.get', { id: varied.generationIds[0]! });
      const r2 = g2.recipe as Record<string, unknown>;
      assert.equal(r2.tokensFrom, 'reused');
      assert.equal(r2.reuseTokensOf, done.generationIds[0]);
      assert.equal(r2.arTokensHash, recipe.arTokensHash, 'the same AR tokens, new noise');
      assert.equal(g2.parentId, done.generationIds[0]);
    } finally {
      events.close();
    }
  });

  test('cancelling here cancels the job on B too', async () => {
    const events = await listen(a);
    try {
      const { job } = await apiA.call<{ job: JobInfo }>('jobs.submit', { mode: 'text', prompt: 'a long one', width: 512, height: 512, steps: 200, seed: 1, target: { type: 'server', id: serverId } });
      const t0 = Date.now();
      while (!events.events.some((m) => m.event === 'job.progress' && (m.payload as { jobId: string; progress: JobProgress }).jobId === job.id && (m.payload as { progress: JobProgress }).progress.phase === 'dit')) {
        if (Date.now() - t0 > 120_000) throw new Error('the job never reached the diffusion steps on B');
        await new Promise((r) => setTimeout(r, 50));
      }
      await apiA.call('jobs.cancel', { id: job.id });
      const done = await waitFor(apiA, job.id, 60_000);
      assert.equal(done.state, 'cancelled');
      const t1 = Date.now();
      for (;;) {
        const { jobs } = await apiB.call<{ jobs: JobInfo[] }>('jobs.list', { includeFinished: true });
        const onB = jobs.find((j) => j.request.prompt === 'a long one');
        if (onB?.state === 'cancelled') break;
        if (Date.now() - t1 > 30_000) throw new Error(`B's job is ${onB?.state}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      events.close();
    }
  });

  test('a wrong token is refused: the test says so, and a job fails with it', async () => {
    const { server } = await apiA.call<{ server: ServerInfo }>('servers.add', { name: 'studio B, wrong key', url: b.origin, kind: 'glimmer', key: 'not-the-token-at-all' });
    const t = await apiA.call<ServerTest>('servers.test', { id: server.id });
    assert.equal(t.ok, false);
    assert.match(t.message, /refused the key \(401\)/);
    const { job } = await apiA.call<{ job: JobInfo }>('jobs.submit', { mode: 'text', prompt: 'x', width: 512, height: 512, steps: 2, target: { type: 'server', id: server.id } });
    const done = await waitFor(apiA, job.id, 60_000);
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, 'unauthorized');
    assert.match(done.error!.message, /"studio B, wrong key" refused the key \(401\)/);
  });
});
