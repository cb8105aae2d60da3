import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { GlimmerError } from '../../main/contract';
import { RECIPE_KEYWORD, png, toFtsQuery } from '../../main/library';
import { encodedImage, recipe } from '../helpers/library-data';

describe('PNG chunks', () => {
  test('crc32 matches zlib', async () => {
    const zlib = await import('node:zlib');
    const crcOf = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
    const data = Buffer.from('IEND and some more bytes \u00ff', 'latin1');
    if (crcOf) assert.equal(png.crc32(data), crcOf(data));
    // the IEND chunk's well-known CRC
    assert.equal(png.crc32(Buffer.from('IEND', 'latin1')), 0xae426082);
  });

  test('read + write chunks is the identity on a real PNG', async () => {
    const file = await encodedImage(1, 40, 30, 'png');
    const chunks = png.readChunks(file);
    assert.equal(chunks[0].type, 'IHDR');
    assert.equal(chunks[chunks.length - 1].type, 'IEND');
    assert.deepEqual(png.pngSize(chunks), { width: 40, height: 30 });
    assert.ok(png.writeChunks(chunks).equals(file));
  });

  test('a truncated or corrupted PNG is a bad_image error', async () => {
    const file = await encodedImage(2, 40, 30, 'png');
    for (const cut of [20, 40, file.length - 5]) {
      assert.throws(() => png.readChunks(file.subarray(0, cut), 'x.png'), (e: unknown) => e instanceof GlimmerError && e.code === 'bad_image' && /truncated/.test(e.message));
    }
    const flipped = Buffer.from(file);
    flipped[40] ^= 0xff;
    assert.throws(() => png.readChunks(flipped), (e: unknown) => e instanceof GlimmerError && e.code === 'bad_image');
    assert.throws(() => png.readChunks(Buffer.from('not a png at all')), (e: unknown) => e instanceof GlimmerError && e.code === 'bad_image');
  });
});

describe('recipe metadata', () => {
  test('round trip: recipe (iTXt) and parameters (tEXt) come back, pixels untouched', async () => {
    const file = await encodedImage(3, 64, 48, 'png');
    const r = recipe({ prompt: 'line one\nline two, with "quotes"', seed: 987654321 });
    const out = png.writePngMetadata(file, r);
    const meta = png.readPngMetadata(out);
    assert.deepEqual(meta.recipe, r);
    const types = png.readChunks(out).map((c) => c.type);
    assert.ok(types.includes('iTXt') && types.includes('tEXt'));
    // the parameters text parses back to the same values
    const parsed = png.parseParametersSummary(meta.parameters ?? '');
    assert.equal(parsed.prompt, 'line one line two, with "quotes"');
    assert.equal(parsed.negativePrompt, r.negativePrompt);
    assert.equal(parsed.params.Seed, String(r.seed));
    assert.equal(parsed.params.Steps, String(r.steps));
    assert.equal(parsed.params.Size, `${r.width}x${r.height}`);
    assert.equal(parsed.params.Model, r.model);
    // pixels identical
    const a = await sharp(file).raw().toBuffer();
    const b = await sharp(out).raw().toBuffer();
    assert.ok(a.equals(b));
  });

  test('a large recipe (AR tokens) is deflated in its iTXt chunk and reads back the same', async () => {
    const file = await encodedImage(7, 16, 16, 'png');
    const tokens = Buffer.alloc(32 * 32 * 4);
    for (let i = 0; i < 1024; i++) tokens.writeInt32LE((i * 7919) % 16384, i * 4);
    const r = recipe({ arTokens: { rows: 32, cols: 32, data: tokens.toString('base64') } });
    const out = png.writePngMetadata(file, r);
    const chunk = png.readChunks(out).find((c) => png.readText(c)?.keyword === RECIPE_KEYWORD);
    assert.ok(chunk);
    const nul = chunk.data.indexOf(0);
    assert.equal(chunk.data[nul + 1], 1, 'compression flag set');
    assert.ok(chunk.data.length < JSON.stringify(r).length);
    assert.deepEqual(png.readPngMetadata(out).recipe, r);
    // a small recipe stays plain text, readable by any tool
    const small = png.readChunks(png.writePngMetadata(file, recipe())).find((c) => png.readText(c)?.keyword === RECIPE_KEYWORD);
    assert.equal(small?.data[small.data.indexOf(0) + 1], 0);
  });

  test('writing twice replaces, never duplicates; other text chunks are kept', async () => {
    const file = await encodedImage(4, 16, 16, 'png');
    const withOther = png.writeChunks([...png.readChunks(file).slice(0, 1), png.textChunk('Author', 'someone'), ...png.readChunks(file).slice(1)]);
    const once = png.writePngMetadata(withOther, recipe({ seed: 1 }));
    const twice = png.writePngMetadata(once, recipe({ seed: 2 }));
    const texts = png.readChunks(twice).map((c) => png.readText(c)).filter((t) => t !== undefined);
    assert.equal(texts.filter((t) => t.keyword === RECIPE_KEYWORD).length, 1);
    assert.equal(texts.filter((t) => t.keyword === 'parameters').length, 1);
    assert.equal(png.readPngMetadata(twice).recipe?.seed, 2);
    assert.ok(texts.some((t) => t.keyword === 'Author' && t.text === 'someone'));
  });

  test('non-Latin-1 prompts go into iTXt parameters (UTF-8) and come back exactly', async () => {
    const file = await encodedImage(5, 16, 16, 'png');
    const r = recipe({ prompt: '一张海报，标题写着「早安」 🦊' });
    const out = png.writePngMetadata(file, r);
    const meta = png.readPngMetadata(out);
    assert.equal(meta.recipe?.prompt, r.prompt);
    assert.equal(png.parseParametersSummary(meta.parameters ?? '').prompt, r.prompt);
    const paramChunk = png.readChunks(out).find((c) => png.readText(c)?.keyword === 'parameters');
    assert.equal(paramChunk?.type, 'iTXt');
  });

  test('compressed iTXt from other tools is read; a malformed recipe is reported raw, not trusted', async () => {
    const file = await encodedImage(6, 16, 16, 'png');
    const chunks = png.readChunks(file);
    const body = deflateSync(Buffer.from(JSON.stringify(recipe({ seed: 77 })), 'utf8'));
    const compressed = { type: 'iTXt', data: Buffer.concat([Buffer.from(`${RECIPE_KEYWORD}\0\x01\x00\0\0`, 'latin1'), body]) };
    const meta = png.readPngMetadata(png.writeChunks([chunks[0], compressed, ...chunks.slice(1)]));
    assert.equal(meta.recipe?.seed, 77);
    const bogus = png.itxtChunk(RECIPE_KEYWORD, JSON.stringify({ prompt: 5, seed: 'x' }));
    const bad = png.readPngMetadata(png.writeChunks([chunks[0], bogus, ...chunks.slice(1)]));
    assert.equal(bad.recipe, undefined);
    assert.ok(bad.rawRecipe?.includes('"seed":"x"'));
  });

  test('A1111 parameters written by another tool are parsed', () => {
    const text = 'masterpiece, a castle\nNegative prompt: lowres, bad hands\nSteps: 30, Sampler: DPM++ 2M, CFG scale: 7, Seed: 3141592, Size: 512x768, Model: sdxl';
    const p = png.parseParametersSummary(text);
    assert.equal(p.prompt, 'masterpiece, a castle');
    assert.equal(p.negativePrompt, 'lowres, bad hands');
    assert.equal(p.params.Seed, '3141592');
    assert.equal(p.params.Sampler, 'DPM++ 2M');
    assert.equal(p.params.Size, '512x768');
    assert.deepEqual(png.parseParametersSummary('just a prompt'), { prompt: 'just a prompt', negativePrompt: undefined, params: {} });
  });

  test('parameters: quoted values keep their commas and escapes; pieces that are not pairs are skipped', () => {
    const text = 'p\nSteps: 20, junk without colon, Lora hashes: "a: 1, b: 2", Note: "say \\"hi\\"", Seed: 5,Size:64x64';
    const p = png.parseParametersSummary(text);
    assert.deepEqual(p.params, { Steps: '20', 'Lora hashes': 'a: 1, b: 2', Note: 'say "hi"', Seed: '5', Size: '64x64' });
    assert.equal(p.prompt, 'p');
  });

  test('parameters: a last line over the cap is not read as parameters (it stays text)', () => {
    const long = `Steps: 1, Seed: 2, Size: 3x3, Pad: ${'x'.repeat(png.MAX_PARAMETERS_LINE)}`;
    const p = png.parseParametersSummary(`prompt\n${long}`);
    assert.deepEqual(p.params, {});
    assert.ok(p.prompt.endsWith('x'));
  });

  test('text chunks are read with an output limit: a deflate bomb is skipped, not inflated', () => {
    const bomb = deflateSync(Buffer.alloc(8 * 1024 * 1024));
    const ztxt = { type: 'zTXt', data: Buffer.concat([Buffer.from('parameters\0\0', 'latin1'), bomb]) };
    assert.equal(png.readText(ztxt, 1024 * 1024), undefined);
    assert.equal(png.readText(ztxt, 8 * 1024 * 1024)?.text.length, 8 * 1024 * 1024);
    const plain = png.textChunk('parameters', 'x'.repeat(2000));
    assert.equal(png.readText(plain, 1000), undefined);
    assert.equal(png.readText(plain, 2000)?.text.length, 2000);
  });

  test('metadata reads the first recipe and parameters chunks only, and only the first text chunks', async () => {
    const file = await encodedImage(8, 16, 16, 'png');
    const chunks = png.readChunks(file);
    const others = Array.from({ length: png.MAX_TEXT_CHUNKS }, (_, i) => png.textChunk(`k${i}`, 'v'));
    const late = png.writeChunks([chunks[0], ...others, png.textChunk('parameters', 'late\nSteps: 1, Seed: 2, Size: 3x3'), ...chunks.slice(1)]);
    assert.equal(png.readPngMetadata(late).parameters, undefined);
    const twice = png.writeChunks([chunks[0], png.textChunk('parameters', 'first'), png.textChunk('parameters', 'second'), ...chunks.slice(1)]);
    assert.equal(png.readPngMetadata(twice).parameters, 'first');
  });
});

describe('search text sanitising', () => {
  test('every word is a quoted string; the last a prefix; operators are plain words', () => {
    assert.equal(toFtsQuery('red fox'), '"red" AND "fox"*');
    assert.equal(toFtsQuery('red fox '), '"red" AND "fox"');
    assert.equal(toFtsQuery('fox AND cat OR NOT dog'), '"fox" AND "AND" AND "cat" AND "OR" AND "NOT" AND "dog"*');
    assert.equal(toFtsQuery('say "hi'), '"say" AND """hi"*');
    assert.equal(toFtsQuery('prompt:fox NEAR(a b)'), '"prompt:fox" AND "NEAR(a" AND "b)"*');
    assert.equal(toFtsQuery('* ^ " ( ) : -'), undefined);
    assert.equal(toFtsQuery('海报 fox'), '("海 报" OR "海报") AND "fox"*');
    assert.equal(toFtsQuery('"海"报'), '(""" 海 "" 报"* OR """海""报"*)');
    assert.equal(toFtsQuery(''), undefined);
    assert.ok((toFtsQuery('w '.repeat(1000)) ?? '').split(' AND ').length <= 32);
  });
});
