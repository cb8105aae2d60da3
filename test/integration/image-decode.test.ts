/**
 * Image decoding with real sharp: supported formats, alpha/grey handling, and bad input — truncated
 * files, wrong extensions, non-images, and a header announcing an enormous image (refused from the
 * header, before any pixels are decoded).
 */
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeImage, decodeImageFile, probeImage } from '../../main/engine/image';

function isBadImage(re?: RegExp) {
  return (e: unknown): boolean => {
    const err = e as { code?: string; message?: string };
    assert.equal(err.code, 'bad_image', `expected bad_image, got ${err.code}: ${err.message}`);
    if (re) assert.match(err.message ?? '', re);
    return true;
  };
}

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const tb = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(tb) >>> 0);
  return Buffer.concat([len, tb, crc]);
}

/** A PNG whose header says width x height (8-bit RGB) followed by a tiny, incomplete IDAT. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A small RGB test pattern. */
function pattern(w: number, h: number): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d.set([(x * 255) / (w - 1), (y * 255) / (h - 1), ((x ^ y) & 1) * 255], (y * w + x) * 3);
  return d;
}

describe('image decoding', () => {
  let dir = '';
  let png: Buffer;
  const W = 40;
  const H = 24;
  const raw = pattern(W, H);
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-image-'));
    png = await sharp(Buffer.from(raw), { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('PNG and lossless WebP decode to the exact pixels; JPEG decodes close to them', async () => {
    for (const [fmt, buf] of [
      ['png', png],
      ['webp', await sharp(png).webp({ lossless: true }).toBuffer()],
    ] as const) {
      const img = await decodeImage(buf);
      assert.equal(img.format, fmt);
      assert.deepEqual([img.width, img.height, img.channels], [W, H, 3]);
      assert.deepEqual(Buffer.from(img.data), Buffer.from(raw), `${fmt} pixels`);
    }
    const jpg = await decodeImage(await sharp(png).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer());
    assert.equal(jpg.format, 'jpeg');
    let mean = 0;
    for (let i = 0; i < raw.length; i++) mean += Math.abs(jpg.data[i]! - raw[i]!);
    assert.ok(mean / raw.length < 8, `jpeg mean abs diff ${mean / raw.length}`);
  });

  test('alpha is dropped (not blended) and grey becomes RGB', async () => {
    const rgba = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) rgba.set([raw[i * 3]!, raw[i * 3 + 1]!, raw[i * 3 + 2]!, i % 256], i * 4);
    const withAlpha = await sharp(Buffer.from(rgba), { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
    const a = await decodeImage(withAlpha);
    assert.equal(a.channels, 3);
    assert.deepEqual(Buffer.from(a.data), Buffer.from(raw));
    const grey = new Uint8Array(W * H).map((_, i) => (i * 7) % 256);
    const g = await decodeImage(await sharp(Buffer.from(grey), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
    assert.equal(g.channels, 3);
    for (let i = 0; i < W * H; i++) assert.deepEqual([g.data[i * 3], g.data[i * 3 + 1], g.data[i * 3 + 2]], [grey[i], grey[i], grey[i]]);
  });

  test('a truncated PNG is refused as bad_image', async () => {
    const file = path.join(dir, 'truncated.png');
    await writeFile(file, png.subarray(0, Math.floor(png.length / 2)));
    await assert.rejects(decodeImageFile(file), isBadImage(/truncated or damaged|not a readable image/));
    await assert.rejects(decodeImage(png.subarray(0, 20)), isBadImage());
  });

  test('wrong or missing extensions and non-images are refused', async () => {
    const gif = path.join(dir, 'picture.gif');
    await writeFile(gif, png);
    await assert.rejects(decodeImageFile(gif), isBadImage(/extension "\.gif"/));
    const noExt = path.join(dir, 'picture');
    await writeFile(noExt, png);
    await assert.rejects(decodeImageFile(noExt), isBadImage(/extension "none"/));
    const text = path.join(dir, 'notes.png');
    await writeFile(text, 'this is not an image\n');
    await assert.rejects(decodeImageFile(text), isBadImage(/not a readable image/));
    const tiff = path.join(dir, 'scan.png');
    await writeFile(tiff, await sharp(png).tiff().toBuffer());
    await assert.rejects(decodeImageFile(tiff), isBadImage(/TIFF image; only PNG, JPEG and WebP/));
    await assert.rejects(decodeImageFile(path.join(dir, 'missing.png')), (e: { code?: string }) => e.code === 'not_found');
  });

  test('a 20000x20000 header is refused before decoding', async () => {
    const huge = pngHeaderOnly(20000, 20000);
    assert.ok(huge.length < 100, 'the test file is only a header');
    await assert.rejects(probeImage(huge), isBadImage(/20000x20000/));
    const file = path.join(dir, 'huge.png');
    await writeFile(file, huge);
    await assert.rejects(decodeImageFile(file), isBadImage(/20000x20000 pixels, larger than/));
    // the same header at an acceptable size gets past the size check and fails only on its missing pixels
    await assert.rejects(decodeImage(pngHeaderOnly(64, 64)), isBadImage(/truncated or damaged/));
    // limits are adjustable
    await assert.rejects(decodeImage(png, 'The image', { maxSide: 32 }), isBadImage(/40x24/));
    assert.equal((await readFile(file)).length, huge.length);
  });
});
