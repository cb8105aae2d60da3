/**
 * library.* and projects.* through the real router and app context (the same path IPC and `serve`
 * take): string ids, typed errors, events, and media paths that the media protocol resolves.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventMessage, LibraryGeneration, LibraryPage, LibraryProject } from '../../main/contract';
import { resolveMediaPath } from '../../main/api/media';
import { createApp, type App } from '../../main/api';
import { png, sha256 } from '../../main/library';
import { encodedImage, recipe } from '../helpers/library-data';

let tmp: string;
let app: App;
const events: EventMessage[] = [];

async function call<T>(method: string, request: unknown): Promise<T> {
  const result = await app.router.call(method, request, { transport: 'test' });
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as T;
}

async function fails(method: string, request: unknown, code: string): Promise<string> {
  const result = await app.router.call(method, request, { transport: 'test' });
  assert.equal(result.ok, false, `${method} should fail`);
  if (result.ok) return '';
  assert.equal(result.error.code, code, result.error.message);
  return result.error.message;
}

function mediaFile(p: string): string {
  const slash = p.indexOf('/');
  return resolveMediaPath(app.ctx.mediaRoots, p.slice(0, slash), p.slice(slash + 1));
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-library-api-'));
  app = createApp({ mode: 'cli', paths: { dataDir: path.join(tmp, 'data'), modelsDir: path.join(tmp, 'models') }, log: () => {} });
  app.ctx.events.subscribe((m) => events.push(m));
});

after(async () => {
  await app.dispose();
  await rm(tmp, { recursive: true, force: true });
});

describe('library API', () => {
  test('projects, import, search, update, trash, export: end to end through the router', async () => {
    const { project } = await call<{ project: LibraryProject }>('projects.create', { name: 'Posters' });
    assert.match(project.id, /^\d+$/);
    const r = recipe({ prompt: 'a jazz festival poster, text "BLUE NOTES"', seed: 31337 });
    const bytes = png.writePngMetadata(await encodedImage(1, 120, 80, 'png'), r);
    const { generation } = await call<{ generation: LibraryGeneration }>('library.import', {
      dataBase64: bytes.toString('base64'),
      name: 'jazz.png',
      projectId: project.id,
      tags: ['music'],
    });
    assert.equal(generation.projectId, project.id);
    assert.deepEqual(generation.recipe, r);
    assert.equal(generation.media?.hash, sha256(bytes));
    // the media paths are served by the app's media roots (the glimmer-media:// protocol and /media/)
    assert.ok(readFileSync(mediaFile(generation.media!.image)).equals(bytes));
    assert.ok(existsSync(mediaFile(generation.media!.thumbs[256])));
    assert.ok(existsSync(mediaFile(generation.media!.thumbs[512])));

    const other = await call<{ generation: LibraryGeneration }>('library.import', {
      dataBase64: (await encodedImage(2, 60, 60, 'webp')).toString('base64'),
      name: 'texture.webp',
    });
    let page = await call<LibraryPage>('library.search', { text: 'jazz "BLUE' });
    assert.deepEqual(page.items.map((g) => g.id), [generation.id]);
    page = await call<LibraryPage>('library.search', { projectId: null });
    assert.deepEqual(page.items.map((g) => g.id), [other.generation.id]);
    page = await call<LibraryPage>('library.search', { limit: 1 });
    assert.equal(page.items[0].id, other.generation.id);
    page = await call<LibraryPage>('library.search', { limit: 1, cursor: page.nextCursor });
    assert.equal(page.items[0].id, generation.id);
    assert.equal(page.nextCursor, null);

    events.length = 0;
    const updated = await call<{ generation: LibraryGeneration }>('library.update', { id: generation.id, favourite: true, rating: 5, tags: ['music', 'jazz'] });
    assert.deepEqual([updated.generation.favourite, updated.generation.rating, updated.generation.tags], [true, 5, ['jazz', 'music']]);
    assert.deepEqual(events.map((e) => e.event), ['library.changed']);
    assert.deepEqual((await call<{ tags: unknown }>('library.tags', {})).tags, [{ name: 'jazz', count: 1 }, { name: 'music', count: 1 }]);
    assert.equal((await call<{ count: number }>('library.move', { ids: [other.generation.id], projectId: project.id })).count, 1);
    assert.equal((await call<{ projects: LibraryProject[] }>('projects.list', {})).projects[0].generationCount, 2);

    const out = path.join(tmp, 'export');
    mkdirSync(out);
    const exported = await call<{ folder: string; files: number }>('library.export', { projectId: project.id, folder: out });
    assert.equal(exported.files, 2);
    assert.ok(existsSync(path.join(exported.folder, 'index.json')));

    await call('projects.delete', { id: project.id });
    assert.deepEqual((await call<LibraryPage>('library.search', {})).items, []);
    const trash = await call<{ projects: LibraryProject[] }>('library.trash', {});
    assert.deepEqual(trash.projects.map((p) => p.id), [project.id]);
    await call('projects.restore', { id: project.id });
    assert.equal((await call<LibraryPage>('library.search', {})).items.length, 2);
    await call('library.delete', { ids: [other.generation.id] });
    const emptied = await call<{ generations: number; filesRemoved: number }>('library.emptyTrash', {});
    assert.deepEqual([emptied.generations, emptied.filesRemoved], [1, 1]);
    await fails('library.get', { id: other.generation.id }, 'not_found');
  });

  test('bad requests and bad images are typed errors, never crashes', async () => {
    await fails('library.get', { id: 'abc' }, 'bad_request');
    await fails('library.get', { id: '1; DROP TABLE generations' }, 'bad_request');
    await fails('library.search', { text: 5 }, 'bad_request');
    await fails('library.update', { id: '1', rating: 9 }, 'bad_request');
    await fails('library.search', { cursor: 'garbage' }, 'bad_request');
    const msg = await fails('library.import', { dataBase64: Buffer.from('not an image').toString('base64'), name: 'x.png' }, 'bad_image');
    assert.match(msg, /not a PNG, JPEG or WebP/);
    await fails('projects.rename', { id: '999', name: 'x' }, 'not_found');
  });
});
