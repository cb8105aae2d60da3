import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, test } from 'node:test';
import sharp from 'sharp';
import { GlimmerError } from '../../main/contract';
import { Library, png, sha256 } from '../../main/library';
import { encodedImage, noisePixels, recipe, snapshotFiles, tempDir } from '../helpers/library-data';

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

function isBadImage(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof GlimmerError, `not a GlimmerError: ${String(e)}`);
    assert.equal(e.code, 'bad_image');
    assert.match(e.message, pattern);
    return true;
  };
}

/** A structurally valid PNG whose header says 20,000 x 20,000 (its pixel data is only a few rows). */
function hugePngHeader(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20_000, 0);
  ihdr.writeUInt32BE(20_000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc(4 * (1 + 20_000 * 3));
  return png.writeChunks([
    { type: 'IHDR', data: ihdr },
    { type: 'IDAT', data: deflateSync(rows) },
    { type: 'IEND', data: Buffer.alloc(0) },
  ]);
}

describe('image store', () => {
  test('a generated image is stored once under its sha256, with its recipe and WebP thumbnails', async () => {
    const r = recipe({ width: 600, height: 400 });
    const g = await lib.addGeneration({ recipe: r, image: { raw: noisePixels(1, 600, 400), width: 600, height: 400, channels: 3 }, timings: { totalMs: 1234 } });
    assert.ok(g.media);
    const file = lib.imageFile(g.media.hash);
    assert.ok(file.startsWith(lib.store.roots.images + path.sep));
    const bytes = readFileSync(file);
    assert.equal(sha256(bytes), g.media.hash);
    assert.deepEqual(png.readPngMetadata(bytes).recipe, r);
    const pixels = await sharp(bytes).raw().toBuffer();
    assert.ok(pixels.equals(noisePixels(1, 600, 400)), 'stored pixels are exactly the generated ones');
    for (const size of [256, 512] as const) {
      const thumb = await lib.mediaFile(g.media.thumbs[size]);
      const meta = await sharp(readFileSync(thumb)).metadata();
      assert.equal(meta.format, 'webp');
      assert.equal(Math.max(meta.width ?? 0, meta.height ?? 0), size);
      assert.equal(meta.width, size === 256 ? 256 : 512);
      assert.equal(meta.height, Math.round((400 / 600) * size));
    }
    assert.deepEqual(g.timings, { totalMs: 1234 });
    assert.equal(g.provider, 'cpu');
    // the same image again: same file, no second copy
    const again = await lib.addGeneration({ recipe: r, image: { raw: noisePixels(1, 600, 400), width: 600, height: 400, channels: 3 } });
    assert.equal(again.media?.hash, g.media.hash);
    assert.equal(readdirSync(path.dirname(file)).length, 1);
    assert.deepEqual(readdirSync(lib.store.tmpDir), []);
  });

  test('an edit keeps its parent and reference images', async () => {
    const parent = await lib.addGeneration({ recipe: recipe(), image: { raw: noisePixels(2, 64, 48), width: 64, height: 48, channels: 3 } });
    const ref = await encodedImage(3, 80, 60, 'jpeg');
    const child = await lib.addGeneration({
      recipe: recipe({ mode: 'edit', prompt: 'make it snowy' }),
      image: { raw: noisePixels(4, 64, 48), width: 64, height: 48, channels: 3 },
      parentId: parent.id,
      references: [{ bytes: ref, name: 'ref.jpg', role: 'style' }, { hash: parent.media!.hash }],
    });
    assert.equal(child.parentId, parent.id);
    assert.deepEqual(child.references.map((r) => [r.position, r.role, r.media.hash]), [
      [0, 'style', sha256(ref)],
      [1, 'reference', parent.media!.hash],
    ]);
    assert.ok(readFileSync(await lib.mediaFile(child.references[0].media.image)).equals(ref));
    assert.deepEqual(lib.getGeneration(parent.id).children, [child.id]);
    // a row that could not be committed writes no file either
    const before = snapshotFiles(lib.dataDir).filter((f) => !f.startsWith('library.sqlite'));
    const image = { raw: noisePixels(99, 64, 48), width: 64, height: 48, channels: 3 as const };
    await assert.rejects(lib.addGeneration({ recipe: recipe(), image, parentId: 999_999 }), (e: unknown) => e instanceof GlimmerError && e.code === 'not_found');
    const trashed = lib.createProject('gone');
    lib.deleteProject(trashed.id);
    await assert.rejects(lib.addGeneration({ recipe: recipe(), image, projectId: trashed.id }), (e: unknown) => e instanceof GlimmerError && e.code === 'conflict');
    await assert.rejects(lib.importImage({ bytes: await encodedImage(98, 20, 20, 'png'), name: 'a.png' }, { projectId: trashed.id }), (e: unknown) => e instanceof GlimmerError && e.code === 'conflict');
    assert.deepEqual(snapshotFiles(lib.dataDir).filter((f) => !f.startsWith('library.sqlite')), before);
  });

  test('media paths resolve only to files inside the store', async () => {
    const g = await lib.addGeneration({ recipe: recipe(), image: { raw: noisePixels(5, 64, 48), width: 64, height: 48, channels: 3 } });
    const m = g.media!;
    assert.equal(await lib.mediaFile(m.image), lib.imageFile(m.hash));
    // a lost thumbnail is made again on request
    const thumb = await lib.mediaFile(m.thumbs[256]);
    rmSync(thumb);
    assert.equal(await lib.mediaFile(m.thumbs[256]), thumb);
    assert.ok(existsSync(thumb));
    const wrongExt = m.image.replace(/\.png$/, '.jpg');
    for (const bad of [
      '../library.sqlite',
      'images/../../etc/passwd',
      `images/${m.hash.slice(0, 2)}/../../library.sqlite`,
      `images/00/${m.hash}.png`,
      wrongExt,
      `images/ab/${'ab'.padEnd(64, '0')}.png`,
      `thumbs/${m.hash.slice(0, 2)}/${m.hash}-128.webp`,
      `/${m.image}`,
      m.image.replace('images/', 'images\\'),
      '.store-tmp/x.part',
    ]) {
      await assert.rejects(lib.mediaFile(bad), (e: unknown) => e instanceof GlimmerError && (e.code === 'not_found' || e.code === 'bad_request'), bad);
    }
  });
});

describe('import', () => {
  test('a PNG with a recipe comes back with its parameters', async () => {
    const r = recipe({ prompt: 'a snowy owl on a lamp post, text "NIGHT SHIFT"', seed: 424242, steps: 30, mode: 'edit' });
    const file = png.writePngMetadata(await encodedImage(6, 96, 64, 'png'), r);
    const p = lib.createProject('Imports');
    const g = await lib.importImage({ bytes: file, name: 'owl.png' }, { projectId: p.id, tags: ['owls'] });
    assert.equal(g.source, 'imported');
    assert.deepEqual(g.recipe, r);
    assert.equal(g.prompt, r.prompt);
    assert.equal(g.seed, r.seed);
    assert.equal(g.steps, r.steps);
    assert.equal(g.mode, 'edit');
    assert.equal(g.model, r.model);
    assert.deepEqual([g.width, g.height], [96, 64]);
    assert.equal(g.projectId, p.id);
    assert.deepEqual(g.tags, ['owls']);
    assert.ok(readFileSync(lib.imageFile(g.media!.hash)).equals(file), 'imported bytes kept as they were');
    assert.deepEqual(lib.search({ text: 'snowy owl' }).items.map((x) => x.id), [g.id]);
    // the same file into the same project again is the same entry
    const again = await lib.importImage({ bytes: file, name: 'owl-copy.png' }, { projectId: p.id });
    assert.equal(again.id, g.id);
  });

  test('JPEG and WebP files from disk are added as they are; A1111 parameters are read', async () => {
    const jpg = await encodedImage(7, 50, 40, 'jpeg');
    const webp = await encodedImage(8, 40, 50, 'webp');
    writeFileSync(path.join(t.dir, 'photo.JPG'), jpg);
    writeFileSync(path.join(t.dir, 'art.webp'), webp);
    const a = await lib.importImage({ path: path.join(t.dir, 'photo.JPG') });
    const b = await lib.importImage({ path: path.join(t.dir, 'art.webp') });
    assert.deepEqual([a.media?.format, a.width, a.height, a.mode, a.recipe], ['jpeg', 50, 40, 'import', null]);
    assert.deepEqual([b.media?.format, b.width, b.height], ['webp', 40, 50]);
    assert.ok(readFileSync(lib.imageFile(a.media!.hash)).equals(jpg));
    const chunks = png.readChunks(await encodedImage(9, 20, 20, 'png'));
    const a1111 = png.writeChunks([chunks[0], png.textChunk('parameters', 'castle on a hill\nNegative prompt: fog\nSteps: 25, Sampler: Euler a, CFG scale: 7, Seed: 99, Size: 20x20, Model: sd15'), ...chunks.slice(1)]);
    const c = await lib.importImage({ bytes: a1111, name: 'castle.png' });
    assert.deepEqual([c.prompt, c.negativePrompt, c.seed, c.steps, c.model, c.recipe], ['castle on a hill', 'fog', 99, 25, 'sd15', null]);
  });

  test('bad images are refused with a clear error and nothing else changes', async () => {
    const kept = await lib.importImage({ bytes: await encodedImage(10, 30, 30, 'png'), name: 'ok.png' });
    const good = await encodedImage(11, 64, 64, 'png');
    const cases: Array<[string, Buffer, RegExp]> = [
      ['photo.png', await encodedImage(12, 30, 30, 'jpeg'), /really a JPEG.*Rename it to \.jpg/],
      ['notes.png', Buffer.from('hello, I am a text file\n'), /not a PNG, JPEG or WebP/],
      ['cut.png', good.subarray(0, Math.floor(good.length * 0.6)), /truncated/],
      ['cut-end.png', good.subarray(0, good.length - 12), /truncated/],
      ['huge.png', hugePngHeader(), /20000 x 20000 pixels.*Scale it down/],
      ['cut.jpg', (await encodedImage(13, 64, 64, 'jpeg')).subarray(0, 600), /./],
      ['empty.webp', Buffer.alloc(0), /not a PNG, JPEG or WebP/],
    ];
    const before = snapshotFiles(lib.dataDir).filter((f) => !f.startsWith('library.sqlite'));
    const stats = lib.stats();
    for (const [name, bytes] of cases) {
      await assert.rejects(lib.importImage({ bytes, name }), isBadImage(cases.find((c) => c[0] === name)![2]), name);
      writeFileSync(path.join(t.dir, name), bytes);
      await assert.rejects(lib.importImage({ path: path.join(t.dir, name) }), isBadImage(/./), `${name} from disk`);
    }
    assert.deepEqual(snapshotFiles(lib.dataDir).filter((f) => !f.startsWith('library.sqlite')), before);
    assert.deepEqual(lib.stats(), stats);
    assert.equal(lib.getGeneration(kept.id).id, kept.id);
    await assert.rejects(lib.importImage({ path: path.join(t.dir, 'missing.png') }), (e: unknown) => e instanceof GlimmerError && e.code === 'not_found');
  });
});
