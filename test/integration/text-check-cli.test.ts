/**
 * `glimmer check-text` and `glimmer generate --best-of N` as a user runs them (node bin/glimmer.mjs):
 * the reader on rendered images (a string found, a misspelled one missing with what was read, the
 * prompt taken from the PNG's recipe, JSON), the exit status, and clear answers to bad input.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { TextCheck } from '../../main/contract';
import { png } from '../../main/library';
import { compiledTinyModel } from '../helpers/engine';
import { repoRoot } from '../helpers/fixtures';
import { MISSPELT, misspeltPoster, noisePng, renderTextPng } from '../helpers/text-images';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-check-cli-'));
const env = { ...process.env, GLIMMER_DATA_DIR: path.join(tmp, 'data') };

after(() => rmSync(tmp, { recursive: true, force: true }));

function glimmer(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('glimmer check-text', () => {
  const poster = path.join(tmp, 'poster.png');
  before(async () => {
    const bytes = await renderTextPng(misspeltPoster(640));
    writeFileSync(poster, png.writePngMetadata(bytes, { mode: 'text', prompt: MISSPELT.prompt, model: 'test', seed: 1, width: 640, height: 427, steps: 1 }));
  });
  test('each string with found / score; a miss says what was read; exit 3 when a string is missing, 0 when all are found', () => {
    const r = glimmer('check-text', '--image', poster, '--prompt', MISSPELT.prompt, '--provider', 'cpu');
    assert.equal(r.status, 3, r.stderr);
    const lines = r.stdout.trim().split('\n');
    // in the quote rule's order: “…” quotes before "…"
    assert.match(lines[0]!, /^✗ missing 0\.\d\d\s+"Fresh Coffee"\s+read "Fresh Cofee"$/);
    assert.match(lines[1]!, /^✓ found\s+1\.00\s+"GRAND OPENING"$/);
    assert.match(lines[2]!, /^1\/2 found, score 0\.\d\d\. /);
    const ok = glimmer('check-text', '--image', poster, '--text', MISSPELT.right, '--text', MISSPELT.drawn, '--provider', 'cpu');
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /2\/2 found, score 1\.00/);
  });

  test('without --prompt or --text: the prompt of the recipe in the PNG; --json prints the whole result', () => {
    const r = glimmer('check-text', '--image', poster, '--json', '--provider', 'cpu');
    assert.equal(r.status, 3, r.stderr);
    const check = TextCheck.parse(JSON.parse(r.stdout));
    assert.deepEqual(check.targets.map((t) => [t.target, t.found]), [[MISSPELT.quoted, false], [MISSPELT.right, true]]);
    assert.equal(check.width, 640);
    // the recognizer may drop the space: the check compares letters and digits, so it is still found
    assert.ok(check.lines.some((l) => /^GRAND ?OPENING$/.test(l.text)), JSON.stringify(check.lines));
    assert.ok(check.targets[1]!.boxes[0]!.every(([x, y]) => x >= 0 && x <= 640 && y >= 0 && y <= 427));
  });

  test('bad input: clear messages and exit status, nothing written', async () => {
    const notImage = path.join(tmp, 'notes.png');
    writeFileSync(notImage, 'this is not an image');
    const noise = path.join(tmp, 'noise.png');
    writeFileSync(noise, await noisePng(256, 256));
    const huge = path.join(tmp, 'huge.png');
    // a valid header claiming 30000 x 30000 pixels (refused from the header, never decoded)
    const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: 'white' } }).png().toBuffer();
    const big = Buffer.from(tiny);
    big.writeUInt32BE(30000, 16);
    big.writeUInt32BE(30000, 20);
    writeFileSync(huge, big);
    const cases: Array<[string[], number, RegExp]> = [
      [['--image', path.join(tmp, 'missing.png'), '--text', 'X'], 2, /cannot be read/],
      [['--prompt', '"X"'], 2, /--image FILE is required/],
      [['--image', poster, '--prompt', 'a poster without quotes'], 2, /quotes no text/],
      [['--image', poster, '--text', '!!!'], 2, /no letters or digits/],
      [['--image', poster, '--prompt', '"A"', '--text', 'B'], 2, /not both/],
      [['--image', noise], 2, /carries no recipe/],
      [['--image', notImage, '--text', 'X', '--provider', 'cpu'], 1, /The image notes\.png is not a readable image/],
      [['--image', huge, '--text', 'X', '--provider', 'cpu'], 1, /30000x30000|30000 x 30000|larger than|too large/i],
      [['--image', poster, '--text', 'X', '--provider', 'nope'], 2, /--provider must be/],
    ];
    for (const [args, status, message] of cases) {
      const r = glimmer('check-text', ...args);
      assert.equal(r.status, status, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    // noise with strings given: every string missing, nothing read
    const r = glimmer('check-text', '--image', noise, '--text', 'SALE', '--provider', 'cpu');
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /✗ missing 0\.00\s+"SALE"\s+\(nothing read there\)/);
  });
});

describe('glimmer generate --best-of N', () => {
  test('N candidates, each with its text check, and the best named; bad counts refused', async () => {
    const modelDir = await compiledTinyModel();
    const out = path.join(tmp, 'best.png');
    const r = glimmer('generate', '--model', modelDir, '--prompt', 'a sign "OPEN"', '--size', '512x512', '--steps', '2', '--seed', '5', '--best-of', '3', '--provider', 'cpu', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    for (let k = 1; k <= 3; k++) {
      const file = path.join(tmp, `best-${k}.png`);
      assert.ok(existsSync(file));
      const rec = png.readPngMetadata(readFileSync(file)).recipe as { seeds: { ar: number; noise: number } };
      assert.deepEqual(rec.seeds, { ar: 4 + k, noise: 5 });
      assert.match(r.stdout, new RegExp(`best-${k}\\.png  \\(AR seed ${4 + k}, noise seed 5`));
    }
    assert.equal((r.stdout.match(/^\s+✗ missing .* "OPEN"/gm) ?? []).length, 3, r.stdout);
    assert.match(r.stdout, /^best of 3 by text: .*best-\d\.png  \(score \d\.\d\d, 0\/1 found\)$/m);
    assert.match(r.stdout, /^ranking: best-\d\.png > best-\d\.png > best-\d\.png$/m);
    assert.match(r.stderr, /^text check 1\/1 \(100%\)/m, "each candidate's check is a phase of the progress");

    const one = glimmer('generate', '--model', modelDir, '--prompt', 'a sign "OPEN"', '--best-of', '1', '--out', out);
    assert.equal(one.status, 2);
    assert.match(one.stderr, /--best-of must be a whole number from 2 to 16/);
    const noQuotes = glimmer('generate', '--model', modelDir, '--prompt', 'a sign', '--best-of', '2', '--out', out);
    assert.equal(noQuotes.status, 2);
    assert.match(noQuotes.stderr, /--best-of: Keep the best by text needs text in quotes/);
    const both = glimmer('generate', '--model', modelDir, '--prompt', 'a sign "OPEN"', '--best-of', '2', '--count', '2', '--out', out);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /leave out --count/);
  });
});
