import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import sharp from 'sharp';
import { GlimmerError } from '../../main/contract';
import { Library, png, sha256 } from '../../main/library';
import { encodedImage, noisePixels, recipe, tempDir } from '../helpers/library-data';

let t: ReturnType<typeof tempDir>;
let lib: Library;
beforeEach(async () => {
  t = tempDir();
  lib = await Library.open(path.join(t.dir, 'data'));
});
afterEach(() => {
  lib.close();
  t.cleanup();
});

async function gen(seed: number, projectId: number | null, prompt = `picture ${seed}`) {
  return lib.addGeneration({
    recipe: recipe({ seed, prompt }),
    image: { raw: noisePixels(seed, 64, 48), width: 64, height: 48, channels: 3 },
    projectId,
  });
}

const code = (c: string) => (e: unknown) => e instanceof GlimmerError && e.code === c;

describe('projects', () => {
  test('create, rename, count, cover, and names checked', async () => {
    const a = lib.createProject('  Book   covers ');
    assert.equal(a.name, 'Book covers');
    const b = lib.createProject('Posters');
    await gen(1, a.id);
    const newest = await gen(2, a.id);
    await gen(3, b.id);
    const listed = lib.listProjects();
    assert.deepEqual(listed.map((p) => [p.name, p.generationCount]), [['Book covers', 2], ['Posters', 1]]);
    assert.equal(listed[0].cover?.hash, newest.media?.hash);
    assert.equal(lib.renameProject(a.id, 'Covers').name, 'Covers');
    assert.throws(() => lib.createProject('   '), code('bad_request'));
    assert.throws(() => lib.renameProject(9999, 'x'), code('not_found'));
  });

  test('move generations between projects and out of any project', async () => {
    const a = lib.createProject('A');
    const b = lib.createProject('B');
    const g1 = await gen(1, a.id);
    const g2 = await gen(2, a.id);
    assert.equal(lib.moveGenerations([g1.id, g2.id], b.id), 2);
    assert.deepEqual(lib.search({ projectId: b.id }).items.map((g) => g.id), [g2.id, g1.id]);
    assert.deepEqual(lib.search({ projectId: a.id }).items, []);
    lib.updateGeneration(g1.id, { projectId: null });
    assert.deepEqual(lib.search({ projectId: null }).items.map((g) => g.id), [g1.id]);
    assert.throws(() => lib.moveGenerations([g2.id], 12345), code('not_found'));
  });

  test('deleting a project puts it and its images in the trash; restore brings all back', async () => {
    const a = lib.createProject('Doomed');
    const g1 = await gen(1, a.id);
    const g2 = await gen(2, a.id);
    const other = await gen(3, null);
    lib.deleteProject(a.id);
    assert.deepEqual(lib.listProjects(), []);
    assert.deepEqual(lib.search({}).items.map((g) => g.id), [other.id]);
    const trash = lib.listTrash();
    assert.deepEqual(trash.projects.map((p) => p.name), ['Doomed']);
    assert.deepEqual(trash.generations, []); // shown under their project
    assert.ok(existsSync(lib.imageFile(g1.media!.hash)), 'files stay until the trash is emptied');
    assert.throws(() => lib.deleteProject(a.id), code('conflict'));
    lib.restoreProject(a.id);
    assert.deepEqual(lib.search({ projectId: a.id }).items.map((g) => g.id), [g2.id, g1.id]);
    // a generation trashed on its own before stays in the trash when its project comes back
    lib.deleteGenerations([g1.id]);
    lib.deleteProject(a.id);
    lib.restoreProject(a.id);
    assert.deepEqual(lib.search({ projectId: a.id }).items.map((g) => g.id), [g2.id]);
    assert.deepEqual(lib.listTrash().generations.map((g) => g.id), [g1.id]);
    // restoring one generation of a trashed project brings it back without a project
    lib.deleteProject(a.id);
    assert.equal(lib.restoreGenerations([g2.id]), 1);
    assert.equal(lib.getGeneration(g2.id).projectId, null);
    assert.equal(lib.getGeneration(g2.id).deletedAt, null);
  });

  test('emptying the trash deletes rows and the files nothing else uses', async () => {
    const a = lib.createProject('Old');
    const g1 = await gen(1, a.id);
    const shared = await gen(2, a.id);
    const keeper = await gen(2, null); // same pixels + recipe as `shared` → same file
    assert.equal(keeper.media?.hash, shared.media?.hash);
    const loose = await gen(3, null);
    const child = await lib.addGeneration({ recipe: recipe({ seed: 9 }), image: { raw: noisePixels(9, 64, 48), width: 64, height: 48, channels: 3 }, parentId: loose.id });
    lib.deleteProject(a.id);
    lib.deleteGenerations([loose.id]);
    const files = [g1, loose].map((g) => lib.imageFile(g.media!.hash));
    const thumbs = await Promise.all([g1, loose].map((g) => lib.mediaFile(g.media!.thumbs[256])));
    const result = await lib.emptyTrash();
    assert.deepEqual(result, { generations: 3, projects: 1, filesRemoved: 2 });
    for (const f of [...files, ...thumbs]) assert.ok(!existsSync(f), f);
    assert.ok(existsSync(lib.imageFile(keeper.media!.hash)));
    assert.throws(() => lib.getGeneration(g1.id), code('not_found'));
    assert.throws(() => lib.getProject(a.id), code('not_found'));
    assert.equal(lib.getGeneration(child.id).parentId, null);
    assert.deepEqual(lib.db.pragma('foreign_key_check'), []);
    assert.deepEqual(lib.listTrash(), { projects: [], generations: [] });
    assert.equal(await lib.gcOrphanFiles({ minAgeMs: 0 }), 0);
  });

  test('emptying the trash or collecting orphans while an image is between file write and commit loses nothing', async () => {
    let reached!: () => void;
    let release!: () => void;
    const atCommit = new Promise<void>((r) => (reached = r));
    const gate = new Promise<void>((r) => (release = r));
    let hold = false;
    lib.close();
    lib = await Library.open(path.join(t.dir, 'data'), {
      beforeCommit: async () => {
        if (!hold) return;
        reached();
        await gate;
      },
    });
    const old = await gen(7, null);
    lib.deleteGenerations([old.id]);
    hold = true;
    // the same image as the one in the trash is added again; its file is written, its row not yet committed
    const adding = gen(7, null);
    await atCommit;
    const emptying = lib.emptyTrash();
    const collecting = lib.gcOrphanFiles({ minAgeMs: 0 });
    release();
    const [again, emptied] = await Promise.all([adding, emptying, collecting]);
    assert.equal(again.media?.hash, old.media?.hash);
    assert.equal(emptied.generations, 1);
    assert.equal(sha256(readFileSync(lib.imageFile(again.media!.hash))), again.media!.hash);
    assert.ok(existsSync(await lib.mediaFile(again.media!.thumbs[512])));
  });

  test('export: a folder of PNGs that carry their recipes, and index.json', async () => {
    const p = lib.createProject('Export me: "now"');
    const g1 = await gen(1, p.id, 'first poster');
    const jpg = await lib.importImage({ bytes: await encodedImage(5, 40, 30, 'jpeg'), name: 'photo.jpg' }, { projectId: p.id });
    const g3 = await gen(3, p.id, '第三张海报');
    lib.updateGeneration(g3.id, { favourite: true, rating: 4, tags: ['best'] });
    await gen(4, null);
    const out = path.join(t.dir, 'exports');
    mkdirSync(out);
    const first = await lib.exportProject(p.id, out);
    const second = await lib.exportProject(p.id, out);
    assert.notEqual(first.folder, second.folder, 'an existing folder is never overwritten');
    assert.equal(first.files, 3);
    const names = readdirSync(first.folder).sort();
    assert.equal(names.length, 4);
    assert.ok(names.includes('index.json'));
    assert.deepEqual(readdirSync(out).filter((n) => n.includes('.partial')), []);
    const index = JSON.parse(readFileSync(path.join(first.folder, 'index.json'), 'utf8'));
    assert.equal(index.project.name, 'Export me: "now"');
    assert.deepEqual(index.items.map((i: { id: number }) => i.id), [g1.id, jpg.id, g3.id]);
    for (const item of index.items) {
      const bytes = readFileSync(path.join(first.folder, item.file));
      assert.ok(png.isPng(bytes));
      const meta = png.readPngMetadata(bytes);
      const g = lib.getGeneration(item.id);
      assert.deepEqual(meta.recipe ?? null, g.recipe);
      assert.deepEqual(item.recipe, g.recipe);
      assert.equal(item.prompt, g.prompt);
      const { width, height } = await sharp(bytes).metadata();
      assert.deepEqual([width, height], [g.width, g.height]);
    }
    assert.deepEqual(index.items[2].tags, ['best']);
    assert.equal(index.items[2].favourite, true);
    // the exported PNG re-imports with its parameters
    const back = await lib.importImage({ path: path.join(first.folder, index.items[2].file) });
    assert.equal(back.prompt, '第三张海报');
    assert.deepEqual(back.recipe, g3.recipe);
  });
});

describe('export targets', () => {
  /** Settles within a generous bound (a recursive mkdir under /proc never did). */
  const bounded = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('export did not return within 10 s')), 10_000).unref())]);

  test('the folder must exist: nothing is created outside the data folder', async () => {
    const p = lib.createProject('P');
    await gen(1, p.id);
    const missing = path.join(t.dir, 'no', 'such', 'folder');
    await assert.rejects(bounded(lib.exportProject(p.id, missing)), code('not_found'));
    assert.equal(existsSync(path.join(t.dir, 'no')), false);
  });

  test('a folder under /proc, a dangling link and a file are refused promptly', async () => {
    const p = lib.createProject('P');
    await gen(1, p.id);
    const dangling = path.join(t.dir, 'dangling');
    symlinkSync(path.join(t.dir, 'gone'), dangling);
    const file = path.join(t.dir, 'a-file');
    writeFileSync(file, 'x');
    if (existsSync('/proc/self')) {
      await assert.rejects(bounded(lib.exportProject(p.id, '/proc/self/a/b')), code('not_found'));
      await assert.rejects(bounded(lib.exportProject(p.id, '/proc/self')), (e: unknown) => e instanceof GlimmerError && ['forbidden', 'bad_request'].includes(e.code));
    }
    await assert.rejects(bounded(lib.exportProject(p.id, dangling)), code('not_found'));
    await assert.rejects(bounded(lib.exportProject(p.id, path.join(dangling, 'sub'))), code('not_found'));
    await assert.rejects(bounded(lib.exportProject(p.id, file)), code('bad_request'));
    assert.equal(existsSync(path.join(t.dir, 'gone')), false);
  });

  test('a link to a folder exports into the folder it points at', async () => {
    const p = lib.createProject('Linked');
    await gen(1, p.id);
    const real = path.join(t.dir, 'real-out');
    mkdirSync(real);
    const link = path.join(t.dir, 'link-out');
    symlinkSync(real, link);
    const result = await lib.exportProject(p.id, link);
    assert.equal(path.dirname(result.folder), real);
    assert.ok(existsSync(path.join(real, 'Linked', 'index.json')));
  });
});

describe('job queue', () => {
  test('queue order, moves, updates, and running jobs marked interrupted at the next start', async () => {
    const jobs = lib.jobs;
    for (const id of ['a', 'b', 'c']) jobs.add(id, { prompt: id });
    assert.deepEqual(jobs.list().map((j) => j.id), ['a', 'b', 'c']);
    assert.deepEqual(jobs.move('c', 1).map((j) => j.id), ['c', 'a', 'b']);
    assert.equal(jobs.next()?.id, 'c');
    jobs.update('c', { state: 'running' });
    const g = await gen(1, null);
    jobs.update('a', { state: 'done', generationId: g.id });
    jobs.update('b', { state: 'failed', error: { code: 'out_of_memory', message: 'Not enough GPU memory.' } });
    assert.throws(() => jobs.move('a', 1), code('conflict'));
    assert.throws(() => jobs.add('a', {}), /UNIQUE|constraint/i);
    assert.throws(() => jobs.update('nope', { state: 'done' }), code('not_found'));
    lib.close();
    lib = await Library.open(path.join(t.dir, 'data'));
    assert.equal(lib.openReport.interruptedJobs, 1);
    const c = lib.jobs.get('c');
    assert.equal(c.state, 'interrupted');
    assert.match(c.error?.message ?? '', /stopped while this job was running/);
    assert.deepEqual(lib.jobs.get('c').request, { prompt: 'c' });
    assert.equal(lib.jobs.get('a').generationId, g.id);
    assert.equal(lib.jobs.get('b').error?.code, 'out_of_memory');
    assert.deepEqual(lib.jobs.list(['queued']), []);
  });
});
