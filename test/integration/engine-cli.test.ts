/**
 * The CLI end to end, as a user runs it (node bin/glimmer.mjs): compile (then resume), generate a
 * PNG from the tiny checkpoint (compiled on the fly) with the recipe in its metadata, the same
 * from the compiled folder, and clear errors on bad arguments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { png } from '../../main/library';
import { checkpointDir, repoRoot } from '../helpers/fixtures';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-cli-'));
const env = { ...process.env, GLIMMER_DATA_DIR: path.join(tmp, 'data'), GLIMMER_LANG: 'en' };

function glimmer(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('glimmer CLI', () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('generate from the checkpoint: a PNG with the recipe in its metadata', async () => {
    const out = path.join(tmp, 'poster.png');
    const r = glimmer('generate', '--model', checkpointDir(), '--prompt', "A poster that says 'HI'", '--size', '512x576', '--steps', '2', '--seed', '42', '--temperature', '0.8', '--top-p', '0.7', '--stats', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /seed 42/);
    // --stats: time per step, then bytes per module (the AR ran once per token) and per step
    assert.match(r.stdout, /^dit\s+\d+$/m);
    assert.match(r.stdout, /^ar\s+[\d.]+ (?:[kMG]B|bytes)\s+[\d.]+ (?:[kMG]B|bytes)\s+\d+$/m);
    assert.match(r.stdout, /^dit\.dit\s+[\d.]+ (?:[kMG]B|bytes)/m);
    // progress without a terminal: plain lines a log keeps, each phase with its count and percent as it goes
    assert.match(r.stderr, /^loading\b[\s\S]*^AR tokens 0\/\d+ \(0%\)$[\s\S]*^AR tokens \d+\/\d+ \([1-9]\d%\) ETA [\s\S]*^AR tokens (\d+)\/\1 \(100%\)[\s\S]*^denoising 2\/2 \(100%\)[\s\S]*^VAE\b/m);
    assert.ok(!r.stderr.includes('\r'), 'nothing redrawn in place');
    const bytes = readFileSync(out);
    const meta = await sharp(bytes).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 512);
    assert.equal(meta.height, 576);
    const { recipe } = png.readPngMetadata(bytes);
    assert.ok(recipe, 'recipe in the PNG');
    const rec = recipe as Record<string, unknown>;
    assert.equal(rec.seed, 42);
    assert.equal(rec.prompt, "A poster that says 'HI'");
    assert.equal(rec.width, 512);
    assert.equal(rec.steps, 2);
    assert.deepEqual(rec.sampling, { temperature: 0.8, topP: 0.7 });
    assert.equal(rec.guidance, 1.5);
    assert.equal(rec.mode, 'text');
    assert.match(String(rec.model), /^glm-image-[0-9a-f]{12}$/);
    assert.match(String(rec.arTokensHash), /^[0-9a-f]{64}$/);
    assert.deepEqual(rec.seeds, { ar: 42, noise: 42 });
    assert.ok(typeof rec.provider === 'string' && typeof rec.precision === 'string');
    const timings = rec.timings as Record<string, number>;
    assert.ok(timings['bytesRead.ar']! > 0 && timings['runs.ar']! > 1, 'the recipe counts the AR\'s transfers');
    // the compiled cache was made under the data folder
    assert.ok(existsSync(path.join(tmp, 'data', 'models', 'compiled')));
  });

  test('compile, resume, and generate from the compiled folder (same seed → same pixels)', async () => {
    const modelDir = path.join(tmp, 'compiled');
    const first = glimmer('compile', '--checkpoint', checkpointDir(), '--out', modelDir, '--precision', 'fp32');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /dit\s+built/);
    // per layer, with bytes, one line each in a log
    assert.match(first.stderr, /^\[2\/6\] ar\s+layers\.0: \d+ of \d+ tensors, [\d.]+ (kB|MB|bytes) of [\d.]+ (kB|MB) \(\d+%\)/m);
    assert.match(first.stderr, /^\[5\/6\] dit\s+\S+: /m);
    const again = glimmer('compile', '--checkpoint', checkpointDir(), '--out', modelDir);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /dit\s+already built, kept/);
    const a = path.join(tmp, 'a.png');
    const b = path.join(tmp, 'b.png');
    for (const out of [a, b]) {
      const r = glimmer('generate', '--model', modelDir, '--prompt', 'a red kite', '--size', '512x512', '--steps', '2', '--seed', '5', '--profile', 'resident', '--out', out);
      assert.equal(r.status, 0, r.stderr);
    }
    const [pa, pb] = await Promise.all([a, b].map((f) => sharp(readFileSync(f)).raw().toBuffer()));
    assert.deepEqual(pa, pb);
  });

  test('bad arguments: exit 2 and a message naming the option', () => {
    const cases: Array<[string[], RegExp]> = [
      [['generate', '--prompt', 'x', '--out', path.join(tmp, 'x.png')], /--model/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--size', '100x64', '--out', path.join(tmp, 'x.png')], /--size.*multiple of 32/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--size', 'big', '--out', path.join(tmp, 'x.png')], /--size must look like/],
      // the studio's size rule, the same as the API's and the generate form's
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--size', '256x256', '--out', path.join(tmp, 'x.png')], /--size: width and height must be multiples of 32 from 512 to 2048 \(got 256x256\)/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--size', '2080x512', '--out', path.join(tmp, 'x.png')], /--size: .*2048/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--temperature', '0', '--out', path.join(tmp, 'x.png')], /--temperature/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--top-p', 'lots', '--out', path.join(tmp, 'x.png')], /--top-p must be a number/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--steps', 'ten', '--out', path.join(tmp, 'x.png')], /--steps/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--mode', 'style', '--image', 'a.png', '--out', path.join(tmp, 'x.png')], /two to four --image/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--out', path.join(tmp, 'x.jpg')], /\.png/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--bogus', '--out', path.join(tmp, 'x.png')], /bogus/],
      [['compile', '--checkpoint', checkpointDir()], /--out/],
      [['compile', '--checkpoint', checkpointDir(), '--out', path.join(tmp, 'y'), '--precision', 'fp8'], /Unknown precision/],
    ];
    for (const [args, message] of cases) {
      const r = glimmer(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.ok(!existsSync(path.join(tmp, 'x.png')));
  });

  test('a bad image file is refused with its name; no output is written', () => {
    const junk = path.join(tmp, 'junk.png');
    requireWrite(junk, 'this is not a png');
    const out = path.join(tmp, 'never.png');
    const r = glimmer('generate', '--model', checkpointDir(), '--prompt', 'x', '--size', '512x512', '--steps', '1', '--image', junk, '--out', out);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /junk\.png.*not a readable image/);
    assert.ok(!existsSync(out));
  });

  test('--model takes the names and ids `models list` prints; the provider reason says it came from --provider', () => {
    const imported = glimmer('models', 'import', '--path', checkpointDir(), '--name', 'Tiny test');
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /Imported Tiny test \(used in place\)/);
    assert.match(imported.stdout, /The studio uses it from now on/);
    const list = glimmer('models', 'list');
    assert.match(list.stdout, /^ready\s+checkpoint\s+\S+ \S+\s+\S+\s+Tiny test$/m, list.stdout);
    const id = /id: (ref:\S+)/.exec(list.stdout)?.[1];
    assert.ok(id, list.stdout);
    for (const model of ['Tiny test', 'tiny TEST', id]) {
      const out = path.join(tmp, `named-${model.length}.png`);
      const r = glimmer('generate', '--model', model, '--prompt', 'a kite', '--size', '512x512', '--steps', '1', '--seed', '3', '--provider', 'cpu', '--out', out);
      assert.equal(r.status, 0, `${model}: ${r.stderr}`);
      assert.match(r.stderr, /provider: cpu — cpu was chosen with --provider/);
      assert.ok(existsSync(out));
    }
    const missing = glimmer('generate', '--model', 'No Such Model', '--prompt', 'x', '--out', path.join(tmp, 'z.png'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /No model named "No Such Model"/);
    // the same names for compile and remove
    const compiled = glimmer('compile', '--checkpoint', 'Tiny test', '--out', path.join(tmp, 'named-compiled'));
    assert.equal(compiled.status, 0, compiled.stderr);
    assert.match(compiled.stdout, /Compiled Tiny test \(/);
    const removed = glimmer('models', 'remove', '--id', 'Tiny test');
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(removed.stdout, /untouched/);
  });
});

function requireWrite(file: string, text: string): void {
  writeFileSync(file, text);
}
