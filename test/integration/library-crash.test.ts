import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TEMP_SUFFIX } from '../../native-models';
import { Library, sha256 } from '../../main/library';
import { tempDir } from '../helpers/library-data';

const here = path.dirname(fileURLToPath(import.meta.url));
const writer = path.join(here, 'fixtures', 'library-writer.ts');
const repoRoot = path.resolve(here, '..', '..');

/** Run the writer until it has committed `commits` generations (+ a random moment), then SIGKILL it. */
function runAndKill(dataDir: string, round: number, commits: number, extraMs: number): Promise<Array<{ id: number; hash: string }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dataDir, '384', String(round)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killing = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!killing && out.split('\n').length - 1 >= commits) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited by itself (code ${code}): ${err.slice(-2000)}`));
      const lines = out.split('\n').slice(0, -1); // only complete lines
      resolve(lines.map((l) => ({ id: Number(l.split(' ')[0]), hash: l.split(' ')[1] })));
    });
  });
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const full = path.join(dir, n);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

const t = tempDir('glimmer-crash-');
after(() => t.cleanup());

describe('crash safety', () => {
  test('SIGKILL while writing loses no committed generation and leaves no half-written file', { timeout: 240_000 }, async () => {
    const dataDir = path.join(t.dir, 'data');
    const committed: Array<{ id: number; hash: string }> = [];
    const plan: Array<[number, number]> = [
      [4, 0],
      [7, 13],
      [5, 37],
      [9, 71],
    ];
    for (const [round, [commits, extraMs]] of plan.entries()) {
      committed.push(...(await runAndKill(dataDir, round + 1, commits, extraMs)));
      const lib = await Library.open(dataDir);
      try {
        console.log(`round ${round + 1}: ${committed.length} committed so far; temp files removed at open: ${lib.openReport.tempFilesRemoved}`);
        assert.equal(lib.db.pragma('integrity_check', { simple: true }), 'ok');
        assert.deepEqual(lib.db.pragma('foreign_key_check'), []);
        assert.doesNotThrow(() => lib.db.prepare("INSERT INTO generations_fts(generations_fts, rank) VALUES ('integrity-check', 1)").run());
        // every generation the writer reported as committed is there, with its exact image
        for (const c of committed) {
          const g = lib.getGeneration(c.id);
          assert.equal(g.media?.hash, c.hash, `generation ${c.id}`);
        }
        // every image row (reported or not) has its complete file and thumbnails
        const images = lib.db.prepare('SELECT hash FROM images').all() as Array<{ hash: string }>;
        assert.ok(images.length >= committed.length);
        for (const { hash } of images) {
          assert.equal(sha256(readFileSync(lib.imageFile(hash))), hash);
          for (const size of [256, 512] as const) assert.ok(existsSync(lib.store.thumbPath(hash, size)));
        }
        // no temporary or half-written file anywhere in the data folder
        assert.deepEqual(walk(lib.store.roots.tmp), []);
        assert.deepEqual(walk(dataDir).filter((f) => f.endsWith(TEMP_SUFFIX)), []);
        // complete files a kill left without their row are garbage-collected, and only those
        const orphans = await lib.gcOrphanFiles({ minAgeMs: 0 });
        console.log(`round ${round + 1}: orphan files removed: ${orphans}`);
        const known = new Set(images.map((i) => i.hash));
        for (const f of [...walk(lib.store.roots.images), ...walk(lib.store.roots.thumbs)]) {
          assert.ok(known.has(path.basename(f).slice(0, 64)), `orphan left: ${f}`);
        }
      } finally {
        lib.close();
      }
    }
    assert.ok(committed.length >= 25);
  });

  test('what a writer killed mid-file leaves is cleaned: temp files at open, unreferenced files by gc', async () => {
    const dataDir = path.join(t.dir, 'planted');
    const lib = await Library.open(dataDir);
    lib.close();
    const tmp = lib.store.roots.tmp;
    // half-written temp files, as a SIGKILL during a write leaves them: loose, and in a dead process's folder
    writeFileSync(path.join(tmp, `0123abcd${TEMP_SUFFIX}`), Buffer.alloc(1000, 7));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    mkdirSync(path.join(tmp, `${dead}-aaaa`));
    writeFileSync(path.join(tmp, `${dead}-aaaa`, `x${TEMP_SUFFIX}`), Buffer.alloc(10));
    // a live process's folder (pid 1 always exists) is another app instance still writing: left alone
    mkdirSync(path.join(tmp, '1-bbbb'));
    writeFileSync(path.join(tmp, '1-bbbb', `y${TEMP_SUFFIX}`), Buffer.alloc(10));
    // a complete image whose row was never committed
    const orphanHash = 'f'.repeat(64);
    mkdirSync(path.join(lib.store.roots.images, 'ff'), { recursive: true });
    writeFileSync(path.join(lib.store.roots.images, 'ff', `${orphanHash}.png`), Buffer.alloc(10));
    const reopened = await Library.open(dataDir);
    const second = await Library.open(dataDir); // a second open store in this process keeps the first one's folder
    try {
      assert.equal(reopened.openReport.tempFilesRemoved, 2);
      assert.equal(second.openReport.tempFilesRemoved, 0);
      assert.deepEqual(walk(tmp).map((f) => path.relative(tmp, f)), [path.join('1-bbbb', `y${TEMP_SUFFIX}`)]);
      assert.ok(existsSync(reopened.store.tmpDir) && existsSync(second.store.tmpDir));
      assert.equal(await reopened.gcOrphanFiles(), 0, 'a fresh file may be another process at work: kept');
      assert.equal(await reopened.gcOrphanFiles({ minAgeMs: 0 }), 1);
      assert.deepEqual(walk(reopened.store.roots.images), []);
    } finally {
      reopened.close();
      second.close();
    }
    assert.deepEqual(readdirSync(tmp), ['1-bbbb']);
  });
});
