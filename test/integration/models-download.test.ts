/**
 * Downloading the fixture checkpoint from a local hub (test/helpers/fake-hub.ts) on 127.0.0.1: full download,
 * a connection cut mid-file and resumed (the server's log proves no byte was sent twice), a wrong published hash,
 * a full disk, a token for a gated mirror, and a restart that re-fetches nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GlimmerError } from '../../main/contract';
import {
  downloadCheckpoint,
  isNeededRepoFile,
  validateCheckpoint,
  type DownloadProgress,
} from '../../main/models';
import { FakeHub } from '../helpers/fake-hub';
import { checkpointBytes, checkpointDir, checkpointFiles } from '../helpers/fixtures';

const REPO = 'zai-org/GLM-Image';
const BIG = 'vision_language_encoder/model.safetensors';


const EXTRA = {
  'README.md': Buffer.from('# GLM-Image\n'),
  '.gitattributes': Buffer.from('*.safetensors filter=lfs\n'),
  'assets/teaser.png': Buffer.alloc(50_000, 7),
  'vae/diffusion_pytorch_model.bin': Buffer.alloc(1000, 1),
};

async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

/** Sorted [start, end) intervals must not overlap and must cover [0, size). */
function assertExactCover(ranges: [number, number][], size: number, what: string) {
  const sorted = [...ranges].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let pos = 0;
  for (const [a, b] of sorted) {
    assert.ok(a >= pos, `${what}: bytes ${a}..${pos} were sent twice`);
    assert.equal(a, pos, `${what}: bytes ${pos}..${a} were never sent`);
    pos = b;
  }
  assert.equal(pos, size, `${what}: ${pos} of ${size} bytes sent`);
}

async function expectError(p: Promise<unknown>, code: string): Promise<GlimmerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GlimmerError, `expected a GlimmerError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected the promise to fail with ${code}`);
}

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-models-dl-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('downloadCheckpoint from a local hub', () => {
  test('full download: only needed files, hashes checked, folder validates; a second run fetches nothing', async () => {
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO, extraFiles: EXTRA, pageSize: 5 }).start();
    try {
      const dest = path.join(tmp, 'full');
      const events: DownloadProgress[] = [];
      const result = await downloadCheckpoint({
        endpoint: hub.hubUrl,
        destDir: dest,
        onProgress: (p) => events.push(p),
        progressIntervalMs: 0,
      });
      const expected = checkpointFiles();
      assert.equal(result.commit, hub.commit);
      assert.deepEqual(result.files.map((f) => f.path).sort(), expected);
      assert.ok(result.report.ok, result.report.summary);
      assert.ok((await validateCheckpoint(dest)).ok);
      // Byte-identical to the source, nothing else left behind but the record.
      for (const f of expected) {
        assert.ok(readFileSync(path.join(dest, f)).equals(readFileSync(path.join(checkpointDir(), f))), f);
      }
      assert.deepEqual((await filesUnder(dest)).filter((f) => f !== '.glimmer-download.json'), expected);
      // README, images, .gitattributes and .bin weights were never requested.
      for (const extra of Object.keys(EXTRA)) {
        assert.ok(!isNeededRepoFile(extra));
        assert.ok(!hub.requests.some((r) => r.url.includes(encodeURIComponent(extra)) || r.url.endsWith(`/${extra}`)), extra);
      }
      // The tree listing was paginated (more than one page fetched).
      assert.ok(hub.requests.filter((r) => r.url.includes('/tree/')).length > 1);
      // Each file sent exactly once.
      const totalSize = checkpointBytes();
      for (const f of expected) assertExactCover(hub.rangesOf(f), statSync(path.join(checkpointDir(), f)).size, f);
      assert.equal(result.fetchedBytes, totalSize);
      // Progress: ends with 'done', bytes == total == the checkpoint's size, never above it.
      const last = events[events.length - 1]!;
      assert.equal(last.phase, 'done');
      assert.equal(last.total, totalSize);
      assert.equal(last.bytes, totalSize);
      assert.ok(events.every((e) => e.bytes <= e.total));
      const bigEvents = events.filter((e) => e.file === BIG && e.phase === 'downloading');
      assert.ok(bigEvents.length > 0);
      assert.ok(bigEvents.every((e) => e.fileTotal === statSync(path.join(checkpointDir(), BIG)).size && e.fileBytes <= e.fileTotal));

      // Restart: everything verified already, nothing fetched again.
      const servedBefore = hub.served.length;
      const again = await downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest });
      assert.equal(again.fetchedBytes, 0);
      assert.equal(again.reusedBytes, totalSize);
      assert.equal(hub.served.length, servedBefore);
    } finally {
      await hub.close();
    }
  });

  test('a connection cut mid-file is resumed with a Range request after a restart; no byte is sent twice', async () => {
    const cutAt = Math.floor(statSync(path.join(checkpointDir(), BIG)).size * 0.41);
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO, dropAfter: { [BIG]: cutAt } }).start();
    try {
      const dest = path.join(tmp, 'cut');
      const err = await expectError(downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest, retries: 0 }), 'unavailable');
      assert.match(err.message, /start the download again/i);
      // Every byte the server sent before the cut is on disk.
      assert.equal((await stat(path.join(dest, `${BIG}.part`))).size, cutAt);
      assert.equal(existsSync(path.join(dest, BIG)), false);

      // "App restart": a new call resumes from the .part file.
      const result = await downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest, retries: 0 });
      assert.ok(result.report.ok, result.report.summary);
      const size = statSync(path.join(checkpointDir(), BIG)).size;
      assert.deepEqual(hub.rangesOf(BIG), [
        [0, cutAt],
        [cutAt, size],
      ]);
      const resumed = hub.requests.filter((r) => r.server === 'cdn' && r.url.includes(encodeURIComponent(BIG)));
      assert.equal(resumed[resumed.length - 1]!.status, 206);
      for (const f of checkpointFiles()) assertExactCover(hub.rangesOf(f), statSync(path.join(checkpointDir(), f)).size, f);
      assert.ok(readFileSync(path.join(dest, BIG)).equals(readFileSync(path.join(checkpointDir(), BIG))));
      assert.equal(existsSync(path.join(dest, `${BIG}.part`)), false);
    } finally {
      await hub.close();
    }
  });

  test('a server that ignores Range gets the file from the start again, and the result still verifies', async () => {
    const cutAt = Math.floor(statSync(path.join(checkpointDir(), BIG)).size / 2);
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO, dropAfter: { [BIG]: cutAt } }).start();
    try {
      const dest = path.join(tmp, 'norange');
      await expectError(downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest, retries: 0 }), 'unavailable');
      hub.ignoreRange = true;
      const result = await downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest, retries: 0 });
      assert.ok(result.report.ok, result.report.summary);
      const size = statSync(path.join(checkpointDir(), BIG)).size;
      assert.deepEqual(hub.rangesOf(BIG), [
        [0, cutAt],
        [0, size],
      ]);
      assert.ok(readFileSync(path.join(dest, BIG)).equals(readFileSync(path.join(checkpointDir(), BIG))));
    } finally {
      await hub.close();
    }
  });

  test('a dropped connection is resumed automatically within one download', async () => {
    const file = 'transformer/diffusion_pytorch_model.safetensors';
    const cutAt = Math.floor(statSync(path.join(checkpointDir(), file)).size / 3) + 1;
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO, dropAfter: { [file]: cutAt } }).start();
    try {
      const dest = path.join(tmp, 'auto');
      const result = await downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest, retryDelayMs: 0 });
      assert.ok(result.report.ok, result.report.summary);
      const size = statSync(path.join(checkpointDir(), file)).size;
      assert.deepEqual(hub.rangesOf(file), [
        [0, cutAt],
        [cutAt, size],
      ]);
    } finally {
      await hub.close();
    }
  });

  test('a stalled connection (no data) is dropped after the idle timeout and resumed where it stopped', async () => {
    const file = 'vae/diffusion_pytorch_model.safetensors';
    const heldAt = Math.floor(statSync(path.join(checkpointDir(), file)).size / 2);
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO, holdAfter: { [file]: heldAt } }).start();
    try {
      const dest = path.join(tmp, 'stall');
      const result = await downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest, retryDelayMs: 0, idleTimeoutMs: 300 });
      assert.ok(result.report.ok, result.report.summary);
      assert.deepEqual(hub.rangesOf(file), [
        [0, heldAt],
        [heldAt, statSync(path.join(checkpointDir(), file)).size],
      ]);
    } finally {
      await hub.close();
    }
  });

  test('files are transferred in parallel: a stalled file does not hold up the others', async () => {
    const first = 'text_encoder/model.safetensors'; // the first weight file in download order
    const heldAt = Math.floor(statSync(path.join(checkpointDir(), first)).size / 2);
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO, holdAfter: { [first]: heldAt } }).start();
    try {
      const dest = path.join(tmp, 'parallel');
      const result = await downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest, retryDelayMs: 0, idleTimeoutMs: 1500, concurrency: 3 });
      assert.ok(result.report.ok, result.report.summary);
      const cdn = hub.served.filter((r) => r.server === 'cdn').map((r) => r.path);
      const stalled = cdn.indexOf(first);
      const resumed = cdn.lastIndexOf(first);
      assert.ok(resumed > stalled);
      // Other weight files were fetched while the first one was stalled.
      assert.ok(cdn.slice(stalled + 1, resumed).length >= 1, cdn.join(', '));
      for (const f of checkpointFiles()) assertExactCover(hub.rangesOf(f), statSync(path.join(checkpointDir(), f)).size, f);
    } finally {
      await hub.close();
    }
  });

  test('a file whose SHA-256 does not match the hub metadata is refused, deleted and reported', async () => {
    const bad = 'vae/diffusion_pytorch_model.safetensors';
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO, wrongSha256: [bad] }).start();
    try {
      const dest = path.join(tmp, 'badhash');
      const err = await expectError(downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest }), 'model_corrupt');
      const details = err.details as { files: { path: string; expected: string; actual: string; algorithm: string }[] };
      assert.equal(details.files.length, 1);
      assert.equal(details.files[0]!.path, bad);
      assert.equal(details.files[0]!.algorithm, 'sha256');
      assert.equal(details.files[0]!.expected, hub.publishedSha256(bad));
      assert.equal(details.files[0]!.actual, hub.files.get(bad)!.sha256);
      assert.match(err.message, /vae\/diffusion_pytorch_model\.safetensors/);
      assert.equal(existsSync(path.join(dest, bad)), false);
      assert.equal(existsSync(path.join(dest, `${bad}.part`)), false);
      // The other files are in place; the folder does not validate and says why.
      assert.ok(existsSync(path.join(dest, BIG)));
      const report = await validateCheckpoint(dest);
      assert.equal(report.ok, false);
      assert.ok(report.problems.some((p) => p.kind === 'missing' && p.path.startsWith('vae/')));
    } finally {
      await hub.close();
    }
  });

  test('a full disk (quota check) stops the download with a clear error before any file is fetched', async () => {
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO }).start();
    try {
      const dest = path.join(tmp, 'full-disk');
      const err = await expectError(
        downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest, freeSpace: async () => Math.floor(checkpointBytes() / 2), reserveBytes: 0 }),
        'disk_full',
      );
      const total = checkpointBytes();
      assert.equal((err.details as { neededBytes: number }).neededBytes, total);
      assert.match(err.message, /free/i);
      assert.equal(hub.served.length, 0, 'no file was fetched');
      assert.ok(!hub.requests.some((r) => r.url.includes('/resolve/')));
    } finally {
      await hub.close();
    }
  });

  test('a token is sent to the hub (any token form, for mirrors) and never to the CDN it redirects to', async () => {
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO, token: 'mirror-secret' }).start();
    try {
      await expectError(downloadCheckpoint({ endpoint: hub.hubUrl, destDir: path.join(tmp, 'tok0') }), 'unauthorized');
      const result = await downloadCheckpoint({
        destDir: path.join(tmp, 'tok1'),
        token: 'mirror-secret',
        env: { HF_ENDPOINT: hub.hubUrl },
      });
      assert.ok(result.report.ok);
      const hubReqs = hub.requests.filter((r) => r.server === 'hub' && r.status !== 401);
      assert.ok(hubReqs.length > 0 && hubReqs.every((r) => r.authorization === 'Bearer mirror-secret'));
      const cdnReqs = hub.requests.filter((r) => r.server === 'cdn');
      assert.ok(cdnReqs.length > 0 && cdnReqs.every((r) => r.authorization === null));
    } finally {
      await hub.close();
    }
  });

  test('pause (abort) mid-file keeps the .part; the next start resumes from its exact size', async () => {
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO }).start();
    try {
      const dest = path.join(tmp, 'pause');
      const ac = new AbortController();
      await expectError(
        downloadCheckpoint({
          endpoint: hub.hubUrl,
          destDir: dest,
          signal: ac.signal,
          progressIntervalMs: 0,
          onProgress: (p) => {
            if (p.file === BIG && p.phase === 'downloading' && p.fileBytes > 0) ac.abort();
          },
        }),
        'cancelled',
      );
      const kept = (await stat(path.join(dest, `${BIG}.part`))).size;
      assert.ok(kept > 0);
      const result = await downloadCheckpoint({ endpoint: hub.hubUrl, destDir: dest });
      assert.ok(result.report.ok);
      const last = hub.served.filter((s) => s.path === BIG).pop()!;
      assert.equal(last.start, kept);
      assert.equal(last.status, 206);
      assert.ok(readFileSync(path.join(dest, BIG)).equals(readFileSync(path.join(checkpointDir(), BIG))));
    } finally {
      await hub.close();
    }
  });

  test('an unknown revision or repository is reported as not found', async () => {
    const hub = await new FakeHub({ root: checkpointDir(), repo: REPO }).start();
    try {
      await expectError(downloadCheckpoint({ endpoint: hub.hubUrl, destDir: path.join(tmp, 'nf'), revision: 'v9' }), 'not_found');
      await expectError(
        downloadCheckpoint({ endpoint: hub.hubUrl, destDir: path.join(tmp, 'nf2'), repo: 'someone/else' }),
        'not_found',
      );
    } finally {
      await hub.close();
    }
  });
});
