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
const env = { ...process.env, GLIMMER_DATA_DIR: path.join(tmp, 'data') };

function glimmer(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('glimmer CLI', () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('generate from the checkpoint: a PNG with the recipe in its metadata', async () => {
    const out = path.join(tmp, 'poster.png');
    const r = glimmer('generate', '--model', checkpointDir(), '--prompt', "A poster that says 'HI'", '--size', '96x64', '--steps', '2', '--seed', '42', '--stats', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /seed 42/);
    // --stats: time per step, then bytes per module (the AR ran once per token) and per step
    assert.match(r.stdout, /^dit\s+\d+$/m);
    assert.match(r.stdout, /^ar\s+[\d.]+ (?:[kMG]B|bytes)\s+[\d.]+ (?:[kMG]B|bytes)\s+\d+$/m);
    assert.match(r.stdout, /^dit\.dit\s+[\d.]+ (?:[kMG]B|bytes)/m);
    // progress (no terminal: one line per phase), compiling the checkpoint first
    assert.match(r.stderr, /^loading\s*$[\s\S]*^AR tokens\s*$[\s\S]*^denoising\s*$[\s\S]*^VAE\s*$/m);
    const bytes = readFileSync(out);
    const meta = await sharp(bytes).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 96);
    assert.equal(meta.height, 64);
    const { recipe } = png.readPngMetadata(bytes);
    assert.ok(recipe, 'recipe in the PNG');
    const rec = recipe as Record<string, unknown>;
    assert.equal(rec.seed, 42);
    assert.equal(rec.prompt, "A poster that says 'HI'");
    assert.equal(rec.width, 96);
    assert.equal(rec.steps, 2);
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
    const again = glimmer('compile', '--checkpoint', checkpointDir(), '--out', modelDir);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /dit\s+already built, kept/);
    const a = path.join(tmp, 'a.png');
    const b = path.join(tmp, 'b.png');
    for (const out of [a, b]) {
      const r = glimmer('generate', '--model', modelDir, '--prompt', 'a red kite', '--size', '64x64', '--steps', '2', '--seed', '5', '--profile', 'resident', '--out', out);
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
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--steps', 'ten', '--out', path.join(tmp, 'x.png')], /--steps/],
      [['generate', '--model', checkpointDir(), '--prompt', 'x', '--mode', 'style', '--image', 'a.png', '--out', path.join(tmp, 'x.png')], /two --image/],
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
    const r = glimmer('generate', '--model', checkpointDir(), '--prompt', 'x', '--size', '64x64', '--steps', '1', '--image', junk, '--out', out);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /junk\.png.*not a readable image/);
    assert.ok(!existsSync(out));
  });
});

function requireWrite(file: string, text: string): void {
  writeFileSync(file, text);
}
