/**
 * A library that cannot be read loses nothing: a 0-byte or missing library.sqlite beside a store of
 * images is damaged, not new (it is kept, the error says so, and orphan collection never sees an
 * empty library that would make every image an orphan); the library can be rebuilt from the image
 * store and the recipes in the PNGs; while the library cannot be opened the job queue refuses new
 * jobs with the library's error instead of running them and throwing the results away; and files a
 * crash left between write and commit are collected at start.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createApp } from '../../main/api';
import { type CallResult, type EngineStatus, GlimmerError, type LibraryPage } from '../../main/contract';
import { DB_FILE, Library, rebuildLibrary, sha256 } from '../../main/library';
import { repoRoot } from '../helpers/fixtures';
import { encodedImage, noisePixels, recipe, snapshotFiles, tempDir } from '../helpers/library-data';

let t: ReturnType<typeof tempDir>;
let data: string;
beforeEach(() => {
  t = tempDir();
  data = path.join(t.dir, 'data');
});
afterEach(() => t.cleanup());

/** A library with a generated image (recipe in its PNG), an imported JPEG and a project; closed. */
async function filledLibrary(): Promise<{ prompts: string[] }> {
  const lib = await Library.open(data);
  const p = lib.createProject('Posters');
  await lib.addGeneration({ recipe: recipe({ seed: 11, prompt: 'a lighthouse at dawn' }), image: { raw: noisePixels(1, 64, 48), width: 64, height: 48, channels: 3 }, projectId: p.id });
  await lib.importImage({ bytes: await encodedImage(2, 40, 30, 'jpeg'), name: 'photo.jpg' });
  lib.close();
  return { prompts: ['a lighthouse at dawn', ''] };
}

const damaged = (e: unknown) => e instanceof GlimmerError && e.code === 'conflict' && /damaged/.test(e.message) && /rebuild/i.test(e.message);

describe('a damaged library', () => {
  test('a 0-byte library.sqlite beside stored images is refused as damaged, kept, and the images stay', async () => {
    await filledLibrary();
    const db = path.join(data, DB_FILE);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    writeFileSync(db, '');
    const images = snapshotFiles(path.join(data, 'images'));
    await assert.rejects(Library.open(data), damaged);
    assert.equal(statSync(db).size, 0, 'the damaged file is kept as it was');
    assert.deepEqual(snapshotFiles(path.join(data, 'images')), images);
  });

  test('a missing library.sqlite beside stored images is refused too', async () => {
    await filledLibrary();
    const db = path.join(data, DB_FILE);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    await assert.rejects(Library.open(data), damaged);
    assert.equal(existsSync(db), false, 'no empty library was made in its place');
  });

  test('an empty data folder still gets a new library', async () => {
    const lib = await Library.open(data);
    assert.equal(lib.stats().generations, 0);
    lib.close();
  });

  test('rebuild: the damaged file is kept aside and every stored image comes back, with its recipe', async () => {
    const { prompts } = await filledLibrary();
    const db = path.join(data, DB_FILE);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    writeFileSync(db, '');
    const report = await rebuildLibrary(data);
    assert.equal(report.images, 2);
    assert.equal(report.withRecipe, 1);
    assert.deepEqual(report.failed, []);
    assert.ok(report.keptAs && existsSync(report.keptAs) && statSync(report.keptAs).size === 0, 'the damaged file is kept');
    const lib = await Library.open(data);
    try {
      const items = lib.search({}).items;
      assert.deepEqual(items.map((g) => g.prompt).sort(), [...prompts].sort());
      const generated = items.find((g) => g.prompt === 'a lighthouse at dawn')!;
      assert.equal(lib.getGeneration(generated.id).recipe?.seed, 11);
      assert.equal(generated.source, 'generated');
      for (const g of items) assert.equal(sha256(await import('node:fs').then((fs) => fs.readFileSync(lib.imageFile(g.media!.hash)))), g.media!.hash);
    } finally {
      lib.close();
    }
  });

  test('rebuild refuses a library that opens fine (nothing to rebuild)', async () => {
    await filledLibrary();
    await assert.rejects(rebuildLibrary(data), (e: unknown) => e instanceof GlimmerError && e.code === 'conflict');
  });

  test('while the library cannot be opened, jobs are refused with its error and no job is accepted', async () => {
    await filledLibrary();
    writeFileSync(path.join(data, DB_FILE), 'this is not a database, it is a note');
    for (const f of ['-wal', '-shm']) rmSync(path.join(data, DB_FILE + f), { force: true });
    const app = createApp({ mode: 'serve', paths: { dataDir: data, modelsDir: path.join(t.dir, 'models') }, log: () => undefined });
    try {
      const submitted = await app.router.call('jobs.submit', { mode: 'text', prompt: 'p', width: 512, height: 512, steps: 1 }, { transport: 'test' });
      assert.equal(submitted.ok, false);
      assert.equal(!submitted.ok && submitted.error.code, 'conflict');
      assert.match(!submitted.ok ? submitted.error.message : '', /library\.sqlite/);
      const status = (await app.router.call('engine.status', {}, { transport: 'test' })) as CallResult<EngineStatus>;
      assert.ok(status.ok, 'engine.status still answers');
      assert.deepEqual(status.ok && [status.value.running, status.value.waiting], [null, 0]);
      const listed = await app.router.call('jobs.list', {}, { transport: 'test' });
      assert.equal(!listed.ok && listed.error.code, 'conflict');
    } finally {
      await app.dispose();
    }
  });
});

describe('rebuild through the API and the command line', () => {
  test('library.rebuild brings the images back into the running studio', async () => {
    await filledLibrary();
    writeFileSync(path.join(data, DB_FILE), '');
    const app = createApp({ mode: 'serve', paths: { dataDir: data, modelsDir: path.join(t.dir, 'models') }, log: () => undefined });
    try {
      const search = await app.router.call('library.search', {}, { transport: 'test' });
      assert.equal(!search.ok && search.error.code, 'conflict');
      const rebuilt = (await app.router.call('library.rebuild', {}, { transport: 'test' })) as CallResult<{ images: number }>;
      assert.equal(rebuilt.ok && rebuilt.value.images, 2);
      const again = (await app.router.call('library.search', {}, { transport: 'test' })) as CallResult<LibraryPage>;
      assert.equal(again.ok && again.value.items.length, 2);
    } finally {
      await app.dispose();
    }
  });

  test('glimmer library rebuild does the same from a terminal', async () => {
    await filledLibrary();
    writeFileSync(path.join(data, DB_FILE), '');
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), 'library', 'rebuild'], {
      env: { ...process.env, GLIMMER_DATA_DIR: data },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /: 2 images, 1 with their recipe\./);
    const lib = await Library.open(data);
    assert.equal(lib.stats().generations, 2);
    lib.close();
  });
});

describe('orphan files at start', () => {
  test('an image file no row refers to, older than the grace period, is collected when the studio starts', async () => {
    await filledLibrary();
    const orphanBytes = await encodedImage(9, 20, 20, 'png');
    const hash = sha256(orphanBytes);
    const dir = path.join(data, 'images', hash.slice(0, 2));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const orphan = path.join(dir, `${hash}.png`);
    writeFileSync(orphan, orphanBytes);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(orphan, old, old);
    const store = () => [...snapshotFiles(path.join(data, 'images')), ...snapshotFiles(path.join(data, 'thumbs'))];
    const before = store().filter((f) => !f.includes(hash));
    const app = createApp({ mode: 'serve', paths: { dataDir: data, modelsDir: path.join(t.dir, 'models') }, log: () => undefined });
    try {
      await app.ctx.started;
      assert.equal(existsSync(orphan), false, 'the orphan is collected');
      assert.deepEqual(store(), before, 'every referenced file stays');
    } finally {
      await app.dispose();
    }
    assert.ok(readdirSync(path.join(data, 'images')).length > 0);
  });
});
