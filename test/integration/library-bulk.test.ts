/**
 * The gallery's bulk actions and the workspace through the real router and app context: one change to
 * many images (favourite, rating, tags added and removed) and its undo, export of chosen images, and
 * the workspace (drafts, presets) kept across an app restart, with bad input refused and a damaged
 * file set aside.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LibraryGeneration, Workspace } from '../../main/contract';
import { createApp, type App } from '../../main/api';
import { png } from '../../main/library';
import { encodedImage, recipe } from '../helpers/library-data';

let tmp: string;
let app: App;
const paths = () => ({ dataDir: path.join(tmp, 'data'), modelsDir: path.join(tmp, 'models') });

async function call<T>(method: string, request: unknown, on: App = app): Promise<T> {
  const result = await on.router.call(method, request, { transport: 'test' });
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as T;
}

async function refused(method: string, request: unknown): Promise<string> {
  const result = await app.router.call(method, request, { transport: 'test' });
  assert.equal(result.ok, false, `${method} should be refused`);
  return result.ok ? '' : result.error.code;
}

async function addImage(seed: number, tags: string[] = []): Promise<LibraryGeneration> {
  const bytes = png.writePngMetadata(await encodedImage(seed, 64, 48, 'png'), recipe({ seed, prompt: `image ${seed}` }));
  return (await call<{ generation: LibraryGeneration }>('library.import', { dataBase64: bytes.toString('base64'), name: `${seed}.png`, tags })).generation;
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-library-bulk-'));
  app = createApp({ mode: 'cli', paths: paths(), log: () => {} });
});

after(async () => {
  await app.dispose();
  await rm(tmp, { recursive: true, force: true });
});

describe('bulk actions', () => {
  test('favourite, rate, add and remove a tag on many at once; the old values put back undo it', async () => {
    const a = await addImage(1, ['keep', 'old']);
    const b = await addImage(2, ['OLD']);
    const c = await addImage(3);
    const ids = [a.id, b.id, c.id];
    const get = async (id: string) => (await call<{ generation: LibraryGeneration }>('library.get', { id })).generation;

    assert.deepEqual(await call('library.updateMany', { ids, favourite: true, rating: 4, addTags: ['poster'], removeTags: ['old'] }), { count: 3 });
    for (const id of ids) {
      const g = await get(id);
      assert.equal(g.favourite, true);
      assert.equal(g.rating, 4);
      assert.ok(g.tags.includes('poster'));
      assert.ok(!g.tags.map((t) => t.toLowerCase()).includes('old'), `${id}: ${g.tags.join()}`);
    }
    assert.ok((await get(a.id)).tags.includes('keep'), 'other tags stay');

    // undo as the gallery does it: each image's previous values, grouped
    await call('library.updateMany', { ids, favourite: false, rating: 0, removeTags: ['poster'] });
    await call('library.updateMany', { ids: [a.id], addTags: ['old'] });
    await call('library.updateMany', { ids: [b.id], addTags: ['OLD'] });
    assert.deepEqual((await get(a.id)).tags.sort(), ['keep', 'old']);
    assert.deepEqual([(await get(b.id)).favourite, (await get(b.id)).rating], [false, 0]);

    // a trashed one is left alone; bad input is refused
    await call('library.delete', { ids: [c.id] });
    assert.deepEqual(await call('library.updateMany', { ids, favourite: true }), { count: 2 });
    assert.equal(await refused('library.updateMany', { ids: [], favourite: true }), 'bad_request');
    assert.equal(await refused('library.updateMany', { ids: [a.id], rating: 9 }), 'bad_request');
    assert.equal(await refused('library.updateMany', { ids: ['x'], rating: 1 }), 'bad_request');
  });

  test('export of chosen images: a folder of their PNGs with recipes and an index', async () => {
    const a = await addImage(10);
    const b = await addImage(11);
    const out = path.join(tmp, 'exports');
    mkdirSync(out); // the target must be an existing folder
    const r = await call<{ folder: string; files: number }>('library.export', { ids: [b.id, a.id], name: 'Picks', folder: out });
    assert.equal(r.files, 2);
    assert.equal(path.basename(r.folder), 'Picks');
    const files = readdirSync(r.folder).sort();
    assert.equal(files.filter((f) => f.endsWith('.png')).length, 2);
    const index = JSON.parse(readFileSync(path.join(r.folder, 'index.json'), 'utf8')) as { items: { id: number; prompt: string }[] };
    assert.deepEqual(index.items.map((i) => String(i.id)), [a.id, b.id]);
    const first = readFileSync(path.join(r.folder, files.find((f) => f.endsWith(`-${a.id}.png`))!));
    assert.equal(png.readPngMetadata(first).recipe?.prompt, 'image 10');
    assert.equal(await refused('library.export', { ids: ['999999'], folder: out }), 'not_found');
  });
});

describe('workspace', () => {
  test('drafts and presets are kept across a restart; bad input is refused; a damaged file is set aside', async () => {
    assert.deepEqual(await call('workspace.get', {}), { generate: null, canvas: null, presets: [] });
    const generate = { prompt: 'a kite "UP"', custom: true, width: 768, height: 512, steps: 30, guidance: 2, seed: 9, seedLocked: true, temperature: 0.8, topP: null };
    const canvas = {
      base: { dataUrl: 'data:image/png;base64,iVBORw0KGgo=', width: 10, height: 10, name: 'photo.png' },
      references: [{ generationId: '12', width: 512, height: 512, name: 'style' }],
      strokes: [{ mode: 'brush', size: 40, hardness: 0.7, points: [1, 2, 3, 4] }],
      crop: null,
      mode: 'edit',
      prompt: 'make it night',
      steps: 20,
      guidance: 1.5,
    };
    await call('workspace.update', { generate, canvas });
    await call('workspace.update', { presets: [{ id: 'p1', name: 'Kites', prompt: 'a kite', settings: { steps: 12 }, createdAt: 1 }] });
    await app.dispose();
    app = createApp({ mode: 'cli', paths: paths(), log: () => {} });
    const back = await call<Workspace>('workspace.get', {});
    assert.deepEqual(back.generate, generate);
    assert.deepEqual(back.canvas, canvas);
    assert.deepEqual(back.presets.map((p) => p.name), ['Kites']);

    assert.equal(await refused('workspace.update', { generate: { prompt: 5 } }), 'bad_request');
    assert.equal(await refused('workspace.update', { canvas: { base: { dataUrl: 'javascript:alert(1)', width: 1, height: 1, name: 'x' } } }), 'bad_request');
    assert.equal(await refused('workspace.update', { theme: 'dark' }), 'bad_request');

    const file = path.join(paths().dataDir, 'workspace.json');
    await app.dispose();
    writeFileSync(file, '{ "generate": ');
    app = createApp({ mode: 'cli', paths: paths(), log: () => {} });
    assert.deepEqual(await call('workspace.get', {}), { generate: null, canvas: null, presets: [] });
    assert.ok(existsSync(`${file}.bad`), 'the damaged file is kept aside');
  });
});
