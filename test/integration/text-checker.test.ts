/**
 * The engine's text checker (main/engine/ocr/checker.ts) on the real PP-OCRv4 sessions: one reader
 * kept for the engine's provider and memory profile, loaded again when they change; a provider that
 * cannot start the reader falls back to the CPU and says why (a missing model does not); release waits
 * for a read in progress, so no session is freed under a run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GlimmerError } from '../../main/contract';
import { decodeForOcr, OcrReader, TextChecker, type TextCheckerSetup } from '../../main/engine/ocr';
import { MISSPELT, misspeltPoster, renderTextPng } from '../helpers/text-images';

const CPU: TextCheckerSetup = { provider: 'cpu', lowMemory: false };

describe('text checker', () => {
  test('one reader per provider and profile; a check reads and scores the quoted strings', async () => {
    const loads: string[] = [];
    const checker = new TextChecker({ load: (s) => (loads.push(`${s.provider}/${s.lowMemory}`), OcrReader.load(s)) });
    try {
      const image = await decodeForOcr(await renderTextPng(misspeltPoster(640)));
      const a = await checker.check(image, [MISSPELT.right, MISSPELT.quoted], CPU);
      await checker.check(image, [MISSPELT.right], CPU);
      assert.deepEqual(loads, ['cpu/false'], 'the reader stays loaded');
      assert.deepEqual(a.targets.map((t) => [t.target, t.found, t.read]), [
        [MISSPELT.right, true, MISSPELT.right],
        [MISSPELT.quoted, false, MISSPELT.drawn],
      ]);
      assert.equal(a.status, 'issues');
      assert.equal(a.provider, 'cpu');
      assert.deepEqual([a.width, a.height], [640, 427]);
      assert.ok(a.lines.length >= 3, 'every line read is kept, the unquoted one too');
      await checker.check(image, [MISSPELT.right], { provider: 'cpu', lowMemory: true });
      assert.deepEqual(loads, ['cpu/false', 'cpu/true'], 'a new memory profile loads again');
    } finally {
      await checker.release();
    }
    assert.equal(checker.loaded, false);
  });

  test('a provider that cannot start the reader falls back to the CPU, saying why; a missing model is not hidden', async () => {
    const logs: string[] = [];
    const checker = new TextChecker({
      log: (m) => logs.push(m),
      load: (s) => (s.provider === 'webgpu' ? Promise.reject(new Error('no adapter')) : OcrReader.load(s)),
    });
    try {
      const image = await decodeForOcr(await renderTextPng(misspeltPoster(384)));
      const c = await checker.check(image, [MISSPELT.right], { provider: 'webgpu', lowMemory: false });
      assert.equal(c.provider, 'cpu');
      assert.match(checker.fallback ?? '', /webgpu could not run the text reader \(no adapter\); using cpu/);
      assert.ok(logs.some((l) => l.includes('no adapter')));
    } finally {
      await checker.release();
    }
    const missing = new TextChecker({ load: () => Promise.reject(new GlimmerError('model_missing', 'The text-check models are not installed.')) });
    await assert.rejects(missing.check({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 }, ['X'], { provider: 'webgpu', lowMemory: false }), (e: unknown) => e instanceof GlimmerError && e.code === 'model_missing');
  });

  test('release while a read runs: the read ends (cancelled at its next run) before the sessions go', async () => {
    const checker = new TextChecker();
    const image = await decodeForOcr(await renderTextPng(misspeltPoster(768)));
    await checker.check(image, [MISSPELT.right], CPU); // loaded
    const controller = new AbortController();
    const reading = checker.check(image, [MISSPELT.right], CPU, controller.signal);
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const released = checker.release();
    const outcome = await reading.then(
      (c) => `finished: ${c.found}/${c.total}`,
      (e: { code?: string }) => e.code,
    );
    await released;
    assert.ok(outcome === 'cancelled' || outcome === 'finished: 1/1', String(outcome));
    assert.equal(checker.loaded, false);
    // and it loads again for the next check
    assert.equal((await checker.check(image, [MISSPELT.right], CPU)).found, 1);
    await checker.release();
  });
});
