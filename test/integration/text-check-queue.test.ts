/**
 * The text check wired through the studio, on real parts: the tiny model in the engine's worker
 * thread, the PP-OCRv4 reader on onnxruntime (CPU) in that same thread, a real library (SQLite + image
 * store in a temp folder), the job queue, and the API router for library.checkText.
 *
 * The tiny model's random weights draw no legible text, so a check of a generated image reports every
 * quoted string as missing: these tests prove the plumbing (a check is made, stored with its
 * generation, searchable, never in the PNG, never in the way of the next job). That the reader reads
 * is proven on rendered images (ocr-reader.test.ts, and library.checkText here on an imported poster).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type CallResult,
  EventBus,
  type EventMessage,
  type GenerateRequest,
  type Method,
  rankByText,
  type RequestOf,
  type ResponseOf,
  type TextCheck,
} from '../../main/contract';
import { type App, createApp } from '../../main/api';
import { openLibrary, png } from '../../main/library';
import { JobQueue } from '../../main/studio/queue';
import { compiledTinyModel, testEngineHost } from '../helpers/engine';
import { MISSPELT, misspeltPoster, renderTextPng } from '../helpers/text-images';

const req = (seed: number, prompt: string, extra: Partial<GenerateRequest> = {}): GenerateRequest =>
  ({ mode: 'text', prompt, width: 128, height: 128, steps: 2, guidance: 1.5, seed, count: 1, ...extra }) as GenerateRequest;

function call<M extends Method>(app: App, method: M, request: RequestOf<M>): Promise<CallResult<ResponseOf<M>>> {
  return app.router.call(method, request, { transport: 'test' }) as Promise<CallResult<ResponseOf<M>>>;
}

describe('text check through the queue', () => {
  let modelDir: string;
  let dataDir: string;
  before(async () => {
    modelDir = await compiledTinyModel();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-textcheck-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('an image whose prompt quotes text gets its check stored (random weights: every string missing); one without quotes gets none', async () => {
    const library = await openLibrary(path.join(dataDir, 'a'));
    const events = new EventBus();
    const seen: EventMessage[] = [];
    events.subscribe((m) => seen.push(m));
    const engine = testEngineHost(modelDir);
    const queue = new JobQueue({ engine, store: library.jobs, library, events });
    try {
      const quoted = queue.submit(req(11, 'a shop sign that says "GRAND OPENING" and \'Fresh Coffee\''));
      const plain = queue.submit(req(12, 'a lighthouse at dusk'));
      await queue.idle();
      await queue.checksIdle();
      const q = library.getGeneration(Number(queue.get(quoted.id).generationIds[0]));
      const p = library.getGeneration(Number(queue.get(plain.id).generationIds[0]));

      const check = q.textCheckDetails;
      assert.ok(check, 'the quoted prompt got a check');
      assert.equal(q.textCheck, check.status);
      assert.equal(check.status, 'issues');
      assert.equal(check.total, 2);
      assert.equal(check.found, 0);
      assert.deepEqual(check.targets.map((t) => [t.target, t.found]).sort(), [['Fresh Coffee', false], ['GRAND OPENING', false]]);
      assert.equal(check.width, 128);
      assert.equal(check.height, 128);
      assert.equal(check.provider, 'cpu');
      assert.ok(check.checkedAt >= q.createdAt);
      assert.ok(seen.some((m) => m.event === 'library.changed' && (m.payload as { ids: string[] }).ids.includes(String(q.id))), 'the stored check is announced');

      assert.equal(p.textCheckDetails, null);
      assert.equal(p.textCheck, null);

      // searchable by its verdict, and never inside the PNG's recipe chunk
      assert.deepEqual(library.search({ textCheck: 'issues' }).items.map((g) => g.id), [q.id]);
      assert.deepEqual(library.search({ textCheck: 'ok' }).items, []);
      const meta = png.readPngMetadata(readFileSync(library.imageFile(q.media!.hash)));
      assert.ok(meta.recipe);
      assert.ok(!('textCheck' in meta.recipe!), 'no check in the recipe');
      const file = readFileSync(library.imageFile(q.media!.hash));
      const texts = png.readChunks(file).flatMap((c) => png.readText(c)?.text ?? []);
      assert.ok(texts.length > 0, 'the PNG has text chunks (the recipe)');
      for (const text of texts) assert.doesNotMatch(text, /wordAccuracy|similarity|checkedAt/);
      assert.equal((q.recipe as Record<string, unknown>).textCheck, undefined);
      // an export carries it as the recipe's sidecar data: in index.json, beside the PNG
      const project = library.createProject('Signs');
      library.moveGenerations([q.id, p.id], project.id);
      mkdirSync(path.join(dataDir, 'export')); // the target must be an existing folder
      const exported = await library.exportProject(project.id, path.join(dataDir, 'export'));
      const index = JSON.parse(readFileSync(path.join(exported.folder, 'index.json'), 'utf8')) as { items: Array<{ id: number; textCheck?: TextCheck }> };
      assert.deepEqual(index.items.find((i) => i.id === q.id)?.textCheck, check);
      assert.equal(index.items.find((i) => i.id === p.id)?.textCheck, undefined);
    } finally {
      await queue.dispose();
      await engine.dispose();
      library.close();
    }
  });

  test('the check never holds up the next job: it runs after the job that follows, which preempts it', async () => {
    const engine = testEngineHost(modelDir);
    try {
      const order: string[] = [];
      let pending: Promise<TextCheck> | null = null;
      // a 512² image: its check (detection + recognition) takes far longer than the next job takes to arrive
      await engine.generate(req(21, 'a banner "SUMMER SALE"', { width: 512, height: 512 }), {
        checkText: true,
        onImage: (_img, _i, check) => {
          assert.ok(check, 'a check follows the image');
          pending = check.result.then((c) => {
            order.push('check');
            return c;
          });
        },
      });
      order.push('first job done');
      // the next job, sent the moment the first one ends (as the queue does)
      await engine.generate(req(22, 'a lighthouse', { width: 512, height: 512 }), { onImage: () => void order.push('next image') });
      order.push('next job done');
      const check = await pending!;
      assert.deepEqual(order, ['first job done', 'next image', 'next job done', 'check']);
      assert.equal(check.status, 'issues');
      assert.deepEqual(check.targets.map((t) => t.target), ['SUMMER SALE']);
    } finally {
      await engine.dispose();
    }
  });

  test('a check can be cancelled on its own, without touching any job', async () => {
    const engine = testEngineHost(modelDir);
    try {
      let result: Promise<TextCheck> | null = null;
      await engine.generate(req(31, 'a sign "OPEN"', { width: 256, height: 256, count: 2 }), {
        checkText: true,
        onImage: (_img, i, check) => {
          if (i === 0) {
            check!.cancel();
            result = check!.result;
          }
        },
      });
      await assert.rejects(result!, (e: { code?: string }) => e.code === 'cancelled');
      // the engine goes on: the next job and its check run as usual
      const checks: Promise<TextCheck>[] = [];
      await engine.generate(req(32, 'a sign "OPEN"', { width: 128, height: 128 }), { checkText: true, onImage: (_img, _i, c) => void checks.push(c!.result) });
      assert.equal((await checks[0]!).targets[0]!.target, 'OPEN');
    } finally {
      await engine.dispose();
    }
  });

  test('images waiting for their check past the memory bound are handed back unchecked, with a clear reason, nothing stored', async () => {
    const library = await openLibrary(path.join(dataDir, 'bound'));
    const logs: string[] = [];
    // room for the pixels of one 128² image (49 KB) waiting, not two
    const engine = testEngineHost(modelDir, {}, { maxWaitingCheckBytes: 60_000 });
    const queue = new JobQueue({ engine, store: library.jobs, library, log: (m) => logs.push(m) });
    try {
      const job = queue.submit(req(51, 'a sign "OPEN"', { count: 2 }));
      await queue.idle();
      await queue.checksIdle();
      const [first, second] = queue.get(job.id).generationIds.map((id) => library.getGeneration(Number(id)));
      assert.equal(first!.textCheck, 'issues', 'the first waited and was checked');
      assert.equal(second!.textCheck, null, 'the second was not kept for a check');
      assert.equal(second!.textCheckDetails, null);
      assert.ok(logs.some((l) => l.includes(`generation ${second!.id} failed: Too many images are waiting for their text check`)), logs.join('\n'));
    } finally {
      await queue.dispose();
      await engine.dispose();
      library.close();
    }
  });

  test('best of N by text: N candidates in one group, ranked by their checks, the best standing for the group', async () => {
    const library = await openLibrary(path.join(dataDir, 'best'));
    const engine = testEngineHost(modelDir);
    const queue = new JobQueue({ engine, store: library.jobs, library });
    try {
      const job = queue.submit(req(41, 'a poster "NIGHT MARKET" and \'OPEN LATE\'', { count: 3, bestByText: true }));
      await queue.idle();
      const done = queue.get(job.id);
      assert.equal(done.state, 'done', JSON.stringify(done.error));
      assert.equal(done.generationIds.length, 3);
      const gens = done.generationIds.map((id) => library.getGeneration(Number(id)));
      // every candidate was checked inside the job, and is stored with its check
      for (const g of gens) {
        assert.ok(g.textCheckDetails, `generation ${g.id} has its check`);
        assert.equal(g.textCheckDetails.total, 2);
      }
      // one group; the job lists the best first; ranks follow rankByText over the checks (made order for ties)
      const byMade = [...gens].sort((a, b) => a.id - b.id);
      const expected = rankByText(byMade.map((g) => g.textCheckDetails)).map((k) => byMade[k]!.id);
      assert.deepEqual(gens.map((g) => g.id), expected);
      const groupId = gens[0]!.group!.id;
      gens.forEach((g, rank) => {
        assert.equal(g.group?.id, groupId);
        assert.equal(g.group?.rank, rank);
        assert.equal(g.group?.size, 3);
        assert.deepEqual(g.group?.members, expected);
      });
      // AR seeds seed, seed+1, seed+2; the noise of the seed for all; the AR tokens differ
      const recipes = byMade.map((g) => g.recipe as { seed: number; seeds: { ar: number; noise: number }; arTokensHash: string });
      assert.deepEqual(recipes.map((r) => r.seeds), [41, 42, 43].map((ar) => ({ ar, noise: 41 })));
      assert.ok(recipes.every((r) => r.seed === 41));
      assert.equal(new Set(recipes.map((r) => r.arTokensHash)).size, 3);
      // the gallery shows the group as its best; alternates on request; the best gone, an alternate stands in
      assert.deepEqual(library.search({}).items.map((g) => g.id), [expected[0]]);
      assert.deepEqual(library.search({ alternates: true }).items.map((g) => g.id).sort(), [...expected].sort());
      library.deleteGenerations([expected[0]!]);
      assert.deepEqual(library.search({}).items.map((g) => g.id).sort(), expected.slice(1).sort());
    } finally {
      await queue.dispose();
      await engine.dispose();
      library.close();
    }
  });

  test('library.checkText: reads an imported poster (ticks and a miss), refuses what it cannot check', async () => {
    const dir = path.join(dataDir, 'api');
    const app = createApp({ mode: 'serve', paths: { dataDir: dir, modelsDir: path.join(dir, 'models') }, log: () => undefined });
    try {
      assert.ok((await call(app, 'settings.update', { modelDir, memoryProfile: 'resident', provider: 'cpu' })).ok);
      const poster = await renderTextPng(misspeltPoster(640));
      const withRecipe = png.writePngMetadata(poster, { mode: 'text', prompt: MISSPELT.prompt, model: 'test', seed: 1, width: 640, height: 427, steps: 1 });
      const imported = await call(app, 'library.import', { dataBase64: withRecipe.toString('base64'), name: 'poster.png' });
      assert.ok(imported.ok, JSON.stringify(imported));
      const id = imported.value.generation.id;
      assert.equal(imported.value.generation.textCheckDetails, null, 'an import is not checked until asked');

      const checked = await call(app, 'library.checkText', { id });
      assert.ok(checked.ok, JSON.stringify(checked));
      const c = checked.value.generation.textCheckDetails!;
      assert.equal(c.status, 'issues');
      const byTarget = Object.fromEntries(c.targets.map((t) => [t.target, t]));
      assert.equal(byTarget['GRAND OPENING']!.found, true);
      assert.equal(byTarget['Fresh Coffee']!.found, false);
      assert.equal(byTarget['Fresh Coffee']!.read, 'Fresh Cofee');
      assert.ok(byTarget['GRAND OPENING']!.boxes.length >= 1);
      const search = await call(app, 'library.search', { textCheck: 'issues' });
      assert.ok(search.ok);
      assert.deepEqual(search.value.items.map((g) => g.id), [id]);
      assert.equal(search.value.items[0]!.textCheck, 'issues');

      // no quotes: a clear refusal, nothing stored
      const plain = png.writePngMetadata(poster, { mode: 'text', prompt: 'a poster', model: 'test', seed: 2, width: 640, height: 427, steps: 1 });
      const plainImported = await call(app, 'library.import', { dataBase64: plain.toString('base64'), name: 'plain.png' });
      assert.ok(plainImported.ok);
      const refused = await call(app, 'library.checkText', { id: plainImported.value.generation.id });
      assert.ok(!refused.ok);
      assert.equal(refused.error.code, 'bad_request');
      assert.match(refused.error.message, /quotes no text/);
      const after = await call(app, 'library.get', { id: plainImported.value.generation.id });
      assert.ok(after.ok && after.value.generation.textCheckDetails === null && after.value.generation.textCheck === null);
      const missing = await call(app, 'library.checkText', { id: '999999' });
      assert.ok(!missing.ok);
      assert.equal(missing.error.code, 'not_found');
    } finally {
      await app.dispose();
    }
  });
});
