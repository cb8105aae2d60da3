/**
 * Reading the recipe a PNG carries, as the renderer does on a drop (main/contract/png-recipe): our
 * own PNG as the library and the CLI write it (deflated iTXt), an A1111 PNG (tEXt 'parameters'), a
 * PNG without either, and files made to hurt: cut short, lying lengths, a deflate bomb, a parameters
 * line built to make a backtracking parser crawl. Real PNGs from sharp; chunks from the library's writer.
 */
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { test } from 'node:test';
import sharp from 'sharp';
import { parseParameters, readImageRecipe, RECIPE_READ_LIMITS } from '../../main/contract';
import { generatedPng, png } from '../../main/library';
import { noisePixels, recipe } from '../helpers/library-data';

async function plainPng(width = 48, height = 32): Promise<Buffer> {
  return sharp(noisePixels(3, width, height), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A PNG with extra chunks put right after IHDR (where A1111 and we put text chunks). */
async function withChunks(chunks: png.PngChunk[]): Promise<Buffer> {
  const all = png.readChunks(await plainPng());
  return png.writeChunks([all[0]!, ...chunks, ...all.slice(1)]);
}

const A1111 = [
  'masterpiece, a lighthouse on a cliff at dusk, "NORTH CAPE" in bold letters',
  'Negative prompt: lowres, blurry, watermark',
  'Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 3141592653, Size: 768x1024, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Lora hashes: "detail: 1a2b3c, style: 4d5e6f", Version: v1.9.4',
].join('\n');

test('our PNG: the whole recipe back, AR tokens and sampling included', async () => {
  const tokens = Buffer.alloc(32 * 32 * 4, 7).toString('base64');
  const written = recipe({
    width: 1024,
    height: 768,
    seed: 77,
    steps: 30,
    guidance: 2.5,
    sampling: { temperature: 0.8, topP: 0.7 },
    arTokens: { rows: 32, cols: 32, data: tokens },
    modelName: 'Tiny test',
  });
  const file = await generatedPng({ raw: noisePixels(1, 64, 48), width: 64, height: 48, channels: 3 }, written);
  const types = png.readChunks(file.bytes).map((c) => c.type);
  assert.ok(types.includes('iTXt'), 'the recipe is an iTXt chunk');
  const read = await readImageRecipe(new Uint8Array(file.bytes));
  assert.equal(read.kind, 'glimmer');
  if (read.kind !== 'glimmer') return;
  assert.equal(read.recipe.prompt, written.prompt);
  assert.deepEqual([read.recipe.width, read.recipe.height, read.recipe.steps, read.recipe.guidance, read.recipe.seed], [1024, 768, 30, 2.5, 77]);
  assert.deepEqual(read.recipe.sampling, { temperature: 0.8, topP: 0.7 });
  assert.equal(read.recipe.arTokens?.data, tokens);
  assert.equal(read.recipe.modelName, 'Tiny test');
});

test('an A1111 PNG: prompt, negative prompt and every setting, quoted values whole', async () => {
  const file = await withChunks([png.textChunk('parameters', A1111)]);
  const read = await readImageRecipe(new Uint8Array(file));
  assert.equal(read.kind, 'a1111');
  if (read.kind !== 'a1111') return;
  assert.equal(read.parameters.prompt, 'masterpiece, a lighthouse on a cliff at dusk, "NORTH CAPE" in bold letters');
  assert.equal(read.parameters.negativePrompt, 'lowres, blurry, watermark');
  assert.deepEqual(read.parameters.params, {
    Steps: '28',
    Sampler: 'DPM++ 2M Karras',
    'CFG scale': '6.5',
    Seed: '3141592653',
    Size: '768x1024',
    'Model hash': '31e35c80fc',
    Model: 'sd_xl_base_1.0',
    'Lora hashes': 'detail: 1a2b3c, style: 4d5e6f',
    Version: 'v1.9.4',
  });
  // the same text in a compressed iTXt (UTF-8) and in a zTXt
  const prompt = '一座灯塔，标题「北角」';
  const itxt = await readImageRecipe(new Uint8Array(await withChunks([png.itxtChunk('parameters', `${prompt}\nSteps: 20, Seed: 5, Size: 512x512`, true)])));
  assert.equal(itxt.kind === 'a1111' && itxt.parameters.prompt, prompt);
  const ztxtData = Buffer.concat([Buffer.from('parameters\0\0', 'latin1'), deflateSync(Buffer.from(A1111, 'latin1'))]);
  const ztxt = await readImageRecipe(new Uint8Array(await withChunks([{ type: 'zTXt', data: ztxtData }])));
  assert.equal(ztxt.kind === 'a1111' && ztxt.parameters.params.Seed, '3141592653');
});

test('a PNG with no recipe, a JPEG, and other text chunks: none, and why', async () => {
  assert.deepEqual(await readImageRecipe(new Uint8Array(await plainPng())), { kind: 'none', reason: 'no-recipe' });
  const jpeg = await sharp(noisePixels(2, 16, 16), { raw: { width: 16, height: 16, channels: 3 } }).jpeg().toBuffer();
  assert.deepEqual(await readImageRecipe(new Uint8Array(jpeg)), { kind: 'none', reason: 'not-png' });
  const other = await withChunks([png.textChunk('Software', 'GIMP 2.10'), png.textChunk('Comment', 'Steps: 1, Seed: 2')]);
  assert.deepEqual(await readImageRecipe(new Uint8Array(other)), { kind: 'none', reason: 'no-recipe' });
  // our keyword holding something that is not a recipe
  const junk = await withChunks([png.itxtChunk('glimmer-recipe', '{"prompt": 5}')]);
  assert.deepEqual(await readImageRecipe(new Uint8Array(junk)), { kind: 'none', reason: 'unreadable-recipe' });
});

test('hostile files: cut short, lying lengths, a deflate bomb, a long parameters line — bounded, never a throw', async () => {
  const good = await withChunks([png.textChunk('parameters', A1111)]);
  // cut inside the image data, after the text chunk: what was read is still used
  const cut = good.subarray(0, good.length - 30);
  const cutRead = await readImageRecipe(new Uint8Array(cut));
  assert.equal(cutRead.kind, 'a1111');
  // cut before any text: damaged
  assert.deepEqual(await readImageRecipe(new Uint8Array(good.subarray(0, 20))), { kind: 'none', reason: 'damaged' });
  // a chunk that claims 4 GB
  const lying = Buffer.from(good);
  lying.writeUInt32BE(0xfffffff0, 33);
  assert.deepEqual(await readImageRecipe(new Uint8Array(lying)), { kind: 'none', reason: 'damaged' });
  // 64 MB of zeros deflated into a few kB: refused at the inflate cap
  const bomb = png.itxtChunk('glimmer-recipe', '', false);
  const bombData = Buffer.concat([Buffer.from('glimmer-recipe\0\x01\x00\0\0', 'latin1'), deflateSync(Buffer.alloc(64 * 1024 * 1024))]);
  assert.ok(bombData.length < 200_000 && bomb.type === 'iTXt');
  assert.deepEqual(await readImageRecipe(new Uint8Array(await withChunks([{ type: 'iTXt', data: bombData }]))), { kind: 'none', reason: 'too-large' });
  // a damaged deflate stream: that chunk says nothing
  const broken = Buffer.concat([Buffer.from('parameters\0\x01\x00\0\0', 'latin1'), Buffer.from('not deflate at all')]);
  assert.deepEqual(await readImageRecipe(new Uint8Array(await withChunks([{ type: 'iTXt', data: broken }]))), { kind: 'none', reason: 'no-recipe' });
  // a line of 60 000 separators and an unclosed quote: one pass, capped, prompt kept
  const nasty = `a prompt\n${'Steps: 1, '.repeat(3000)}${'a:'.repeat(20_000)}"${',"'.repeat(10_000)}`;
  const parsed = parseParameters(nasty);
  assert.equal(parsed.prompt.startsWith('a prompt'), true);
  assert.ok(parsed.prompt.length <= RECIPE_READ_LIMITS.maxParametersChars);
  // settings lines the parser does not accept stay prompt text
  assert.deepEqual(parseParameters('just a prompt\nwith two lines'), { prompt: 'just a prompt\nwith two lines', params: {} });
});
