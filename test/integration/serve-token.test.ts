/**
 * `glimmer serve`'s access token can be chosen (a fixed URL for a bookmark or a script) without
 * putting it on the command line, where other users see it in the process list: from the
 * GLIMMER_SERVE_TOKEN environment variable or from a file. A weak token is refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/fixtures';
import { startServe } from '../helpers/serve';

test('the token comes from GLIMMER_SERVE_TOKEN', async () => {
  const token = 'env-token-0123456789abcdef';
  const serve = await startServe({ GLIMMER_SERVE_TOKEN: token });
  try {
    assert.equal(serve.token, token);
    const res = await fetch(`${serve.origin}/api/call/system.ping`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 200);
  } finally {
    await serve.stop();
  }
});

test('the token comes from --token-file (its first line)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-token-'));
  const file = path.join(dir, 'token');
  writeFileSync(file, 'file-token-0123456789abcdef\n', { mode: 0o600 });
  const serve = await startServe({}, ['--token-file', file]);
  try {
    assert.equal(serve.token, 'file-token-0123456789abcdef');
  } finally {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a short or cookie-unsafe token is refused before anything listens', () => {
  for (const bad of ['short', 'has space in it 0123456789', 'semi;colon0123456789abcdef']) {
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), 'serve', '--port', '0'], {
      env: { ...process.env, GLIMMER_SERVE_TOKEN: bad },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 2, `${bad}: ${run.stderr}`);
    assert.match(run.stderr, /token/i);
  }
});
