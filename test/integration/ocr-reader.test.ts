/**
 * The text check end to end on real parts: PP-OCRv4 ONNX sessions on onnxruntime-node (CPU), images
 * rendered here with real sharp from SVG in six Latin fonts and a Chinese one, at several sizes, turned
 * a little, light on dark and dark on light; then the scoring of the prompt's quoted strings.
 * Also the answers to bad input: a non-image, an empty buffer, a huge image (read with detection scaled
 * down, or refused from its header over the limit), noise, a blank image, a prompt without quotes,
 * a damaged model file, a released reader, a cancelled read.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { checkPromptText, defaultOcrModelFiles, OcrReader, decodeForOcr } from '../../main/engine/ocr';
import { hasFont, noisePng, renderTextPng, samplePoster, type TextItem } from '../helpers/text-images';

const LATIN_FONTS = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'Liberation Sans', 'Liberation Serif', 'Liberation Mono'];
const CJK_FONT = 'WenQuanYi Zen Hei';
const LATIN = ['GRAND OPENING', 'Fresh Coffee Daily', 'Open 7am to 9pm', 'SUMMER SALE', 'Glimmer Studio', 'Night Market', 'The Quick Brown Fox', 'Handmade Bread'];
const CHINESE = ['新年快乐', '欢迎光临', '春季大促销', '咖啡馆营业中', '山水画展', '图书馆', '美食节', '夜市开张'];
/** Sizes (px) and turns (degrees) of the three strings of each test image. */
const LAYOUT = [
  { size: 52, rotate: 0 },
  { size: 34, rotate: 3 },
  { size: 22, rotate: -2 },
];

const prompt = (strings: readonly string[]) => `a poster that says ${strings.map((s) => `"${s}"`).join(' and ')}`;

function isError(code: string, re?: RegExp) {
  return (e: unknown): boolean => {
    const err = e as { code?: string; message?: string };
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    if (re) assert.match(err.message ?? '', re);
    return true;
  };
}

describe('text check: PP-OCRv4 on rendered images', () => {
  let reader: OcrReader;
  before(async () => {
    for (const font of [...LATIN_FONTS, CJK_FONT]) {
      assert.ok(await hasFont(font), `font "${font}" is not installed (Debian: fonts-dejavu-core, fonts-liberation, fonts-wqy-zenhei; .ci/run installs them)`);
    }
    reader = await OcrReader.load({ provider: 'cpu' });
  });
  after(async () => {
    await reader?.release();
  });

  test('finds every quoted string: 7 fonts x light/dark x 3 sizes with a slight turn, Latin and Chinese', async (t) => {
    const tally = new Map<string, { found: number; total: number }>();
    const misses: string[] = [];
    let image = 0;
    for (const font of [...LATIN_FONTS, CJK_FONT]) {
      for (const dark of [false, true]) {
        const pool = font === CJK_FONT ? CHINESE : LATIN;
        const items: TextItem[] = LAYOUT.map((l, k) => ({
          text: pool[(image * 3 + k) % pool.length]!,
          x: 40,
          y: 90 + k * 130,
          font,
          size: l.size,
          rotate: l.rotate,
          color: dark ? '#f2ead8' : '#14202c',
        }));
        image++;
        const png = await renderTextPng({ width: 768, height: 480, background: dark ? '#1b2a3a' : '#f4efe6', items });
        const read = await reader.readEncoded(png);
        const check = checkPromptText(prompt(items.map((i) => i.text)), read.lines);
        assert.equal(check.total, 3);
        check.targets.forEach((r, k) => {
          const key = `${font} ${items[k]!.size}px`;
          const e = tally.get(key) ?? { found: 0, total: 0 };
          e.total++;
          if (r.found) e.found++;
          else misses.push(`${font} ${dark ? 'light on dark' : 'dark on light'} ${items[k]!.size}px "${r.target}": read ${JSON.stringify(r.read)} (lines ${JSON.stringify(read.lines.map((l) => l.text))})`);
          tally.set(key, e);
          if (r.found) {
            // the box is where the string was drawn: its top-left within a line height of the text's origin (baseline - size)
            const [x, y] = r.boxes[0]![0];
            assert.ok(Math.abs(x - items[k]!.x) < items[k]!.size && Math.abs(y - (items[k]!.y - items[k]!.size)) < items[k]!.size, `box of "${r.target}" at ${x},${y}`);
          }
        });
      }
    }
    const found = [...tally.values()].reduce((s, e) => s + e.found, 0);
    const total = [...tally.values()].reduce((s, e) => s + e.total, 0);
    t.diagnostic(`found ${found} / ${total}; ${[...tally].map(([k, e]) => `${k} ${e.found}/${e.total}`).join(', ')}`);
    assert.deepEqual(misses, []);
  });

  test('a misspelled rendering is a miss that says what was read; the rest of the image still counts', async () => {
    const png = await renderTextPng({
      width: 640,
      height: 360,
      background: 'white',
      items: [
        { text: 'GRAND OPENNIG', x: 40, y: 100, font: 'DejaVu Sans', size: 48, color: 'black' },
        { text: 'Fresh Coffee', x: 40, y: 200, font: 'Liberation Serif', size: 44, color: 'black' },
        { text: '欢迎光顾', x: 40, y: 310, font: CJK_FONT, size: 56, color: '#b00' },
      ],
    });
    const read = await reader.readEncoded(png);
    const check = checkPromptText('a shop poster "GRAND OPENING", “Fresh Coffee” and 「欢迎光临」', read.lines);
    assert.equal(check.status, 'issues');
    const byTarget = Object.fromEntries(check.targets.map((r) => [r.target, r]));
    const latin = byTarget['GRAND OPENING']!;
    assert.equal(latin.found, false);
    assert.equal(latin.read, 'GRAND OPENNIG');
    assert.equal(latin.similarity, 1 - 2 / 12);
    assert.equal(latin.wordAccuracy, 0.5);
    const zh = byTarget['欢迎光临']!;
    assert.equal(zh.found, false);
    assert.equal(zh.read, '欢迎光顾');
    assert.equal(zh.similarity, 0.75);
    assert.equal(byTarget['Fresh Coffee']!.found, true);
    assert.equal(check.score, 0.75, 'the worst string');
    assert.match(check.message, /2 of 3 quoted strings were not read as written: .*"GRAND OPENING" \(read "GRAND OPENNIG"\)/);
  });

  test('noise: nothing is read and every string is missing', async () => {
    const read = await reader.readEncoded(await noisePng(640, 480, 7));
    assert.deepEqual(read.lines, []);
    const check = checkPromptText(prompt(['HELLO', 'WORLD', '你好']), read.lines);
    assert.equal(check.found, 0);
    assert.equal(check.total, 3);
    assert.equal(check.score, 0);
    assert.ok(check.targets.every((r) => !r.found && r.read === null));
    assert.match(check.message, /No text was read in the image; 3 of 3 quoted strings are missing/);
  });

  test('an image with no text: no lines; a prompt with no quotes: nothing to check', async () => {
    const blank = await sharp({ create: { width: 512, height: 384, channels: 3, background: '#7a8a9a' } }).png().toBuffer();
    const read = await reader.readEncoded(blank);
    assert.deepEqual(read.lines, []);
    assert.equal(read.detected, 0);
    const poster = await reader.readEncoded(await renderTextPng(samplePoster(512).spec));
    const none = checkPromptText('a cosy coffee shop at night, warm light', poster.lines);
    assert.equal(none.status, 'no_targets');
    assert.equal(none.score, null);
    assert.match(none.message, /quotes no text/);
  });

  test('the engine image types: pixels as the VAE gives them (rgb, width, height) read the same as the decoded RgbImage', async () => {
    const png = await renderTextPng(samplePoster(512).spec);
    const rgb = await decodeForOcr(png);
    const a = await reader.read(rgb);
    const b = await reader.read({ rgb: rgb.data, width: rgb.width, height: rgb.height });
    assert.ok(a.lines.length >= 6);
    assert.deepEqual(b.lines, a.lines);
  });

  test('a huge image is read with detection scaled down; over the limit it is refused from the header', async () => {
    const { spec, strings } = samplePoster(5000);
    const png = await renderTextPng(spec);
    const read = await reader.readEncoded(png);
    assert.equal(read.width, 5000);
    const check = checkPromptText(prompt(strings), read.lines);
    assert.equal(check.found, strings.length, check.message);
    // boxes are in the image's own pixels: the headline is drawn from x = 390 to about 4850
    const xs = check.targets[0]!.boxes.flatMap((b) => b.map((p) => p[0]));
    assert.ok(Math.min(...xs) > 300 && Math.min(...xs) < 600 && Math.max(...xs) > 4500, `headline boxes span x = ${Math.min(...xs)}..${Math.max(...xs)}`);
    await assert.rejects(reader.readEncoded(png, { limits: { maxPixels: 16e6 } }), isError('bad_image', /5000x5000 pixels, larger than/));
  });

  test('the number of boxes recognised is capped (the largest kept) and the cap is reported', async () => {
    const items: TextItem[] = [{ text: 'HEADLINE', x: 30, y: 80, font: 'DejaVu Sans', size: 60, color: 'black' }];
    for (let row = 0; row < 6; row++) for (let col = 0; col < 4; col++) items.push({ text: `w${row}${col}`, x: 30 + col * 150, y: 160 + row * 50, font: 'DejaVu Sans', size: 22, color: 'black' });
    const png = await renderTextPng({ width: 640, height: 480, background: 'white', items });
    const all = await reader.readEncoded(png);
    assert.ok(all.detected >= 25, `detected ${all.detected}`);
    assert.equal(all.truncated, false);
    const capped = await reader.readEncoded(png, { maxLines: 5 });
    assert.equal(capped.truncated, true);
    assert.ok(capped.lines.length <= 5);
    assert.equal(capped.lines[0]!.text, 'HEADLINE');
  });

  test('upside-down text is read only with the angle classifier', async () => {
    const png = await renderTextPng({ width: 640, height: 240, background: 'white', items: [{ text: 'Upside Down Text', x: 40, y: 140, font: 'DejaVu Sans', size: 48, color: 'black' }] });
    const turned = await sharp(png).rotate(180).png().toBuffer();
    const plain = checkPromptText('"Upside Down Text"', (await reader.readEncoded(turned)).lines);
    assert.equal(plain.found, 0, 'without the classifier the line is read upside down');
    const withCls = await OcrReader.load({ angleClassifier: true });
    try {
      const check = checkPromptText('"Upside Down Text"', (await withCls.readEncoded(turned)).lines);
      assert.equal(check.found, 1, check.message);
      // and an upright line stays upright
      assert.equal(checkPromptText('"Upside Down Text"', (await withCls.readEncoded(png)).lines).found, 1);
    } finally {
      await withCls.release();
    }
  });

  test('bad input gets clear errors', async () => {
    await assert.rejects(reader.readEncoded(Buffer.from('this is not an image, it is a text file\n')), isError('bad_image', /not a readable image/));
    await assert.rejects(reader.readEncoded(new Uint8Array(0)), isError('bad_image', /empty/));
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    await assert.rejects(reader.readEncoded(gif), isError('bad_image', /only PNG, JPEG and WebP/));
    await assert.rejects(reader.read({ data: new Uint8Array(100), width: 64, height: 64, channels: 3 }), isError('bad_image', /buffer has 100 bytes/));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(reader.readEncoded(await renderTextPng(samplePoster(256).spec), { signal: controller.signal }), isError('cancelled'));
  });

  test('a damaged model file is named; a released reader says so', async () => {
    const files = defaultOcrModelFiles();
    await assert.rejects(OcrReader.load({ files: { ...files, detector: files.dictionary } }), isError('model_corrupt', /text-check model file .*ppocr_keys_v1\.txt is missing or damaged.*reinstall/));
    const r = await OcrReader.load();
    await r.release();
    await assert.rejects(r.read({ data: new Uint8Array(3 * 32 * 32), width: 32, height: 32, channels: 3 }), isError('internal', /released/));
    await r.release(); // twice is fine
  });
});

