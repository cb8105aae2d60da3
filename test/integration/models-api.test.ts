/**
 * The models.* API through the real router and app context: validate, import, list, and a download from a local
 * hub that is paused, resumed, finished, plus one cancelled; events carry progress and state changes.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventMessage, ModelCompile, ModelDownload } from '../../main/contract';
import { createApp, type App } from '../../main/api';
import { FakeHub } from '../helpers/fake-hub';
import { writableCopy } from '../helpers/writable-copy';
import { checkpointDir } from '../helpers/fixtures';

const REPO = 'zai-org/GLM-Image';
/** Held by the hub in the pause test (the first weight file in download order), then in the cancel test. */
const PAUSED = 'vae/diffusion_pytorch_model.safetensors';
const CANCELLED = 'vision_language_encoder/model.safetensors';
/** Where the hub stalls each file: part-way, derived from the fixture's sizes (another fixture set works unchanged). */
const HELD: Record<string, number> = {
  [PAUSED]: Math.floor(statSync(path.join(checkpointDir(), PAUSED)).size / 3),
  [CANCELLED]: Math.floor(statSync(path.join(checkpointDir(), CANCELLED)).size / 4),
};

let tmp: string;
let app: App;
let hub: FakeHub;
const savedCache = process.env.HF_HUB_CACHE;

async function call<T>(method: string, request: unknown): Promise<T> {
  const result = await app.router.call(method, request, { transport: 'test' });
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as T;
}

/** Polls (10 ms) until a file has `size` bytes: the client has written everything the hub sent before stalling. */
async function waitForFileSize(file: string, size: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (((await stat(file).catch(() => null))?.size ?? -1) === size) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`${file} never reached ${size} bytes`);
}

function waitForState(id: string, states: ModelDownload['state'][]): Promise<ModelDownload> {
  return new Promise((resolve) => {
    const off = app.ctx.events.subscribe((m: EventMessage) => {
      if (m.event !== 'models.download.updated') return;
      const d = (m.payload as { download: ModelDownload }).download;
      if (d.id === id && states.includes(d.state)) {
        off();
        resolve(d);
      }
    });
  });
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-models-api-'));
  process.env.HF_HUB_CACHE = path.join(tmp, 'hf-cache'); // never the user's real cache
  app = createApp({ mode: 'cli', paths: { dataDir: path.join(tmp, 'data'), modelsDir: path.join(tmp, 'models') }, log: () => {} });
  hub = await new FakeHub({ root: checkpointDir(), repo: REPO, holdAfter: { [PAUSED]: HELD[PAUSED]! } }).start();
});

after(async () => {
  await app.dispose();
  await hub.close();
  if (savedCache === undefined) delete process.env.HF_HUB_CACHE;
  else process.env.HF_HUB_CACHE = savedCache;
  await rm(tmp, { recursive: true, force: true });
});

describe('models API', () => {
  test('validate and import (reference) through the router; bad requests are typed', async () => {
    const { report } = await call<{ report: { ok: boolean; precision: string } }>('models.validate', { path: checkpointDir() });
    assert.equal(report.ok, true);
    assert.equal(report.precision, 'fp32');
    const bad = await app.router.call('models.validate', {}, { transport: 'test' });
    assert.equal(!bad.ok && bad.error.code, 'bad_request');
    const badRepo = await app.router.call('models.download.start', { repo: '../etc' }, { transport: 'test' });
    assert.equal(!badRepo.ok && badRepo.error.code, 'bad_request');
    // a folder that is not there is "not found", not an incomplete download
    const nowhere = await app.router.call('models.import', { path: path.join(tmp, 'nowhere') }, { transport: 'test' });
    assert.equal(!nowhere.ok && nowhere.error.code, 'not_found');
    assert.match(!nowhere.ok ? nowhere.error.message : '', /^Not found: .*nowhere does not exist/);
    const { report: gone } = await call<{ report: { ok: boolean; found: boolean; problems: unknown[] } }>('models.validate', { path: path.join(tmp, 'nowhere') });
    assert.deepEqual([gone.ok, gone.found, gone.problems.length], [false, false, 1]);

    // with no model chosen, the one imported is selected; the name given is the one name everywhere
    assert.equal((await call<{ modelDir: string | null }>('settings.get', {})).modelDir, null);
    const { model, selected } = await call<{ model: { status: string; source: string; name: string; path: string }; selected: boolean }>('models.import', {
      path: checkpointDir(),
      name: 'Tiny test',
    });
    assert.equal(model.status, 'ready');
    assert.equal(model.source, 'reference');
    assert.equal(model.name, 'Tiny test');
    assert.equal(selected, true);
    assert.equal((await call<{ modelDir: string | null }>('settings.get', {})).modelDir, model.path);
    const status = await call<{ model: { name: string } | null }>('engine.status', {});
    assert.equal(status.model?.name, 'Tiny test');
    // a second import leaves the choice alone
    const again = await call<{ selected: boolean }>('models.import', { path: checkpointDir() });
    assert.equal(again.selected, false);
  });

  test('download: pause mid-file, restart the app, resume from the list entry, finish; list shows it ready', async () => {
    const progress: ModelDownload[] = [];
    const off = app.ctx.events.subscribe((m) => {
      if (m.event === 'models.download.progress') progress.push((m.payload as { download: ModelDownload }).download);
    });
    const { download } = await call<{ download: ModelDownload }>('models.download.start', { endpoint: hub.hubUrl });
    assert.equal(download.state, 'running');
    await hub.held(PAUSED); // the server sent part of the file and stalls
    await waitForFileSize(path.join(download.dir, `${PAUSED}.part`), HELD[PAUSED]!);
    const ended = waitForState(download.id, ['paused', 'done', 'failed']);
    const { download: paused } = await call<{ download: ModelDownload }>('models.download.pause', { id: download.id });
    assert.equal(paused.state, 'paused', JSON.stringify(paused.error));
    assert.equal((await ended).state, 'paused');
    off();
    assert.ok(progress.length > 0);
    const part = path.join(download.dir, `${PAUSED}.part`);
    const kept = (await stat(part)).size;
    assert.equal(kept, HELD[PAUSED]);

    // While paused, the list shows a partial checkpoint.
    const mid = await call<{ models: { id: string; status: string }[]; downloads: ModelDownload[] }>('models.list', {});
    assert.equal(mid.models.find((m) => m.id === `checkpoint:${download.id}`)?.status, 'partial');
    assert.equal(mid.downloads.find((d) => d.id === download.id)?.state, 'paused');

    // The app restarts: the new process knows the download only from disk, and resumes it from the list entry.
    await app.dispose();
    app = createApp({ mode: 'cli', paths: app.ctx.paths, log: () => {} });
    const after = await call<{ models: { id: string; status: string; repo: string; revision: string }[]; downloads: ModelDownload[] }>('models.list', {});
    assert.deepEqual(after.downloads, []);
    const partial = after.models.find((m) => m.id === `checkpoint:${download.id}`)!;
    assert.equal(partial.status, 'partial');
    const done = waitForState(download.id, ['done', 'failed']);
    const resumed = await call<{ download: ModelDownload }>('models.download.start', {
      endpoint: hub.hubUrl,
      repo: partial.repo,
      revision: partial.revision,
    });
    assert.equal(resumed.download.id, download.id);
    assert.equal(resumed.download.dir, download.dir);
    const finished = await done;
    assert.equal(finished.state, 'done', JSON.stringify(finished.error));
    assert.equal(finished.progress?.bytes, finished.progress?.total);
    const resumedRange = hub.served.filter((s) => s.path === PAUSED).pop()!;
    assert.equal(resumedRange.start, kept);

    const list = await call<{ models: { id: string; status: string; source: string; precision: string }[] }>('models.list', {});
    const entry = list.models.find((m) => m.id === `checkpoint:${download.id}`)!;
    assert.equal(entry.status, 'ready');
    assert.equal(entry.source, 'download');
    assert.equal(entry.precision, 'fp32');
  });

  test('cancel stops a download and removes its partial files', async (t) => {
    const hub2 = await new FakeHub({ root: checkpointDir(), repo: REPO, holdAfter: { [CANCELLED]: HELD[CANCELLED]! } }).start();
    t.after(() => hub2.close());
    const { download } = await call<{ download: ModelDownload }>('models.download.start', { endpoint: hub2.hubUrl, revision: hub2.commit });
    await hub2.held(CANCELLED);
    await waitForFileSize(path.join(download.dir, `${CANCELLED}.part`), HELD[CANCELLED]!);
    const busy = await app.router.call('models.remove', { id: `checkpoint:${download.id}` }, { transport: 'test' });
    assert.equal(!busy.ok && busy.error.code, 'conflict');
    const { download: ended } = await call<{ download: ModelDownload }>('models.download.cancel', { id: download.id });
    assert.equal(ended.state, 'cancelled');
    assert.equal(existsSync(path.join(download.dir, `${CANCELLED}.part`)), false);
    assert.equal(existsSync(download.dir), true, 'verified files are kept');
    const removed = await call<{ removed: string; freedBytes: number }>('models.remove', { id: `checkpoint:${download.id}` });
    assert.equal(removed.removed, 'files');
    assert.ok(removed.freedBytes > 0);
    assert.equal(existsSync(download.dir), false);
    const missing = await app.router.call('models.download.pause', { id: 'nope' }, { transport: 'test' });
    assert.equal(!missing.ok && missing.error.code, 'not_found');
  });

  test('compile through the API: progress and state events, then listed ready', async () => {
    const progress: string[] = [];
    const groups: string[] = [];
    const listedWhileRunning: string[] = [];
    let asked: Promise<void> | null = null;
    const off = app.ctx.events.subscribe((m) => {
      if (m.event === 'models.compile.progress') {
        const c = (m.payload as { compile: ModelCompile }).compile;
        progress.push(`${c.progress?.module}:${c.progress?.state}`);
        const tensors = c.progress?.tensors;
        if (tensors?.group) groups.push(`${c.progress!.module}/${tensors.group}:${tensors.bytesDone}/${tensors.bytesTotal}:${tensors.etaSeconds === null ? 'no-eta' : 'eta'}`);
        // while it runs, the list shows its folder as compiling (one truth with the compile card)
        if (c.progress?.module === 'dit' && !asked) {
          asked = call<{ models: { path: string; status: string }[] }>('models.list', {}).then((r) => {
            listedWhileRunning.push(...r.models.filter((x) => x.path === c.dir).map((x) => x.status));
          });
        }
      }
    });
    const ended = new Promise<ModelCompile>((resolve) => {
      const stop = app.ctx.events.subscribe((m) => {
        if (m.event !== 'models.compile.updated') return;
        const c = (m.payload as { compile: ModelCompile }).compile;
        if (c.state !== 'running') {
          stop();
          resolve(c);
        }
      });
    });
    // A writable copy: the compiled folder keeps the modes of copied assets, and the fixture is read-only.
    const source = path.join(tmp, 'checkpoint-copy');
    await writableCopy(checkpointDir(), source);
    const { compile } = await call<{ compile: ModelCompile }>('models.compile.start', { path: source, precision: 'fp16' });
    assert.equal(compile.state, 'running');
    const done = await ended;
    off();
    await asked;
    assert.deepEqual(listedWhileRunning, ['compiling']);
    // per layer, with bytes (and an ETA once there is a rate)
    assert.ok(groups.some((g) => g.startsWith('ar/layers.0:')), groups.slice(0, 5).join(' '));
    assert.ok(groups.some((g) => g.startsWith('dit/')));
    assert.equal(done.state, 'done', JSON.stringify(done.error));
    assert.ok(progress.includes('ar:done') && progress.includes('vae:done'));
    const { models } = await call<{ models: { kind: string; status: string; precision: string; path: string; name: string }[] }>('models.list', {});
    const compiled = models.find((m) => m.kind === 'compiled' && m.path === compile.dir)!;
    assert.equal(compiled.status, 'ready');
    assert.equal(compiled.precision, 'fp16');
    // named after its checkpoint, the precision its own field, never in the name
    assert.equal(compiled.name, 'checkpoint-copy');
  });
});
