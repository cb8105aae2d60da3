/**
 * Compiling never deletes what it did not write: an output folder that holds anything but a compiled
 * model of ours is refused before a file is touched (through compileModel and through
 * `glimmer compile --out`), and inside one of ours a module folder without our module record is
 * refused rather than replaced. Every unrelated file stays, byte for byte.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { compileModel } from '../../native-models/compile';
import { NativeModelError } from '../../native-models/errors';
import { checkpointDir, repoRoot } from '../helpers/fixtures';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-compile-out-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file under dir with its bytes (relative path → content). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out[r] = readFileSync(path.join(dir, r)).toString('base64');
    }
  };
  walk('');
  return out;
}

/** A user's folder that happens to have folders named like our modules. */
function usersFolder(name: string): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries({
    'thesis.docx': 'years of work',
    'assets/logo.svg': '<svg/>',
    'ar/notes.txt': 'augmented reality notes',
    'vision/board.png': 'a mood board',
    'glyph/font.ttf': 'a font',
    'dit/paper.pdf': 'a paper',
    'vae/run.py': 'print(1)',
  })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const refused = (e: unknown) => e instanceof NativeModelError && e.code === 'bad_request' && /not empty|not written by/.test(e.message);

describe('compile output folder', () => {
  test('a non-empty folder that is not a compiled model is refused and left as it was', async () => {
    const dir = usersFolder('users');
    const before = snapshot(dir);
    await assert.rejects(compileModel(checkpointDir(), dir, { precision: 'fp32' }), refused);
    assert.deepEqual(snapshot(dir), before);
  });

  test('glimmer compile --out refuses it too, with exit code 2 and every file kept', () => {
    const dir = usersFolder('users-cli');
    const before = snapshot(dir);
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), 'compile', '--checkpoint', checkpointDir(), '--out', dir, '--force'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /not empty/);
    assert.deepEqual(snapshot(dir), before);
  });

  test('the parent of a new output folder must exist (no folders made along a mistyped path)', async () => {
    const dir = path.join(tmp, 'no', 'such', 'parent', 'out');
    await assert.rejects(compileModel(checkpointDir(), dir, { precision: 'fp32' }), (e: unknown) => e instanceof NativeModelError && e.code === 'bad_request');
    assert.deepEqual(readdirSync(tmp).includes('no'), false);
  });

  test('inside a compiled model of ours, a module folder we did not write is refused, not replaced', async () => {
    const dir = path.join(tmp, 'ours');
    await compileModel(checkpointDir(), dir, { precision: 'fp32' });
    // someone replaces the DiT folder by their own files
    rmSync(path.join(dir, 'dit'), { recursive: true });
    mkdirSync(path.join(dir, 'dit'));
    writeFileSync(path.join(dir, 'dit', 'mine.txt'), 'not yours');
    const before = snapshot(dir);
    await assert.rejects(compileModel(checkpointDir(), dir, { precision: 'fp32', force: true }), refused);
    assert.deepEqual(snapshot(dir), before);
    // without it, the folder of ours compiles again (resume: only the DiT is rebuilt)
    rmSync(path.join(dir, 'dit'), { recursive: true });
    const events: string[] = [];
    await compileModel(checkpointDir(), dir, { precision: 'fp32', onProgress: (p) => !p.tensors && events.push(`${p.module}:${p.state}`) });
    assert.deepEqual(events.filter((e) => e.startsWith('dit')), ['dit:start', 'dit:done']);
    assert.ok(events.includes('ar:skipped'));
  });

  test('an empty existing folder is fine', async () => {
    const dir = path.join(tmp, 'empty');
    mkdirSync(dir);
    const m = await compileModel(checkpointDir(), dir, { precision: 'fp32' });
    assert.ok(m.modules.dit);
  });
});
