/**
 * Files built to freeze or exhaust whoever parses them (test/helpers/hostile-png.ts), dropped into
 * the studio: each is parsed the way a dropped file is (library import preparation and the engine's
 * reference-image check) in a child process, which must finish within a generous time bound and
 * stay within a generous memory bound. These are safety bounds against freezes (a backtracking
 * regex took minutes, a zTXt bomb gigabytes), not speed claims.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../helpers/fixtures';
import { hostilePngs } from '../helpers/hostile-png';

/** Wall time for one file, start-up of the child excluded (measured inside it). */
const MAX_MS = 15_000;
/** Growth of the child's peak resident memory over its baseline after loading the modules. */
const MAX_RSS_GROWTH_MB = 256;
/** The child is killed after this long (a freeze). */
const KILL_AFTER_MS = 60_000;

const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const file of await hostilePngs()) {
  test(`${file.name} (${file.what}) is parsed in bounded time and memory`, () => {
    const full = path.join(dir, file.name);
    writeFileSync(full, file.bytes);
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'helpers', 'parse-dropped-file.ts'), full], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: KILL_AFTER_MS,
    });
    assert.equal(run.signal, null, `parsing ${file.name} did not finish in ${KILL_AFTER_MS / 1000} s (killed)`);
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as { outcome: string; ms: number; peakRssMb: number; baselineRssMb: number };
    console.log(`${file.name}: ${r.outcome}; ${r.ms.toFixed(0)} ms; peak RSS ${r.peakRssMb.toFixed(0)} MB (baseline ${r.baselineRssMb.toFixed(0)} MB)`);
    assert.ok(r.ms < MAX_MS, `${file.name} took ${r.ms.toFixed(0)} ms`);
    assert.ok(r.peakRssMb - r.baselineRssMb < MAX_RSS_GROWTH_MB, `${file.name} grew the peak RSS by ${(r.peakRssMb - r.baselineRssMb).toFixed(0)} MB`);
  });
}
