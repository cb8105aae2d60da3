/**
 * Errors as a client of `serve` sees them: every error code of the contract (ERROR_CODES, walked in
 * full) reaches the client with its own HTTP status through the real transport, and an unexpected
 * failure reaches it as a generic message with a log id, never its raw text (paths, errno); the full
 * text is in the log under the same id.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRouter } from '../../main/api/router';
import { httpStatus } from '../../main/api/transport/status';
import { type RunningServer, startHttpServer } from '../../main/api/transport/http';
import { ERROR_CODES, type ErrorCode, EventBus, GlimmerError } from '../../main/contract';
import { testHandlers } from '../helpers/handlers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-serve-errors-'));
const logged: string[] = [];
let nextCode: ErrorCode = 'bad_request';
const router = createRouter(
  testHandlers({
    'system.ping': () => {
      throw new GlimmerError(nextCode, `a ${nextCode} error`);
    },
    'library.tags': () => {
      const err = new Error("EACCES: permission denied, open '/home/someone/.local/share/glimmer-studio/secret.sqlite'") as NodeJS.ErrnoException;
      err.code = 'EACCES';
      err.errno = -13;
      throw err;
    },
  }),
  (line) => logged.push(line),
);
let server: RunningServer;

before(async () => {
  server = await startHttpServer({ router, events: new EventBus(), staticDir: null, mediaRoots: {}, log: (line) => logged.push(line) });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(method: string): Promise<{ status: number; body: { ok: boolean; error?: { code: string; message: string; details?: { logId?: string } } } }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/call/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return { status: res.status, body: (await res.json()) as never };
}

test('every error code has its own fitting HTTP status: client errors 4xx, server-side conditions 5xx, only internal is 500', () => {
  const serverSide = new Set<ErrorCode>(['out_of_memory', 'disk_full', 'unavailable', 'internal']);
  for (const code of ERROR_CODES) {
    const status = httpStatus(code);
    if (serverSide.has(code)) assert.ok(status >= 500 && status < 600, `${code} → ${status}`);
    else assert.ok(status >= 400 && status < 500, `${code} → ${status}`);
    if (code !== 'internal') assert.notEqual(status, 500, `${code} must not look like a crash`);
  }
  assert.equal(httpStatus('bad_image'), 422);
  assert.equal(httpStatus('conflict'), 409);
});

test('each error code crosses the HTTP transport with its status and its code', async () => {
  for (const code of ERROR_CODES) {
    if (code === 'internal') continue; // covered below: its text never crosses
    nextCode = code;
    const reply = await post('system.ping');
    assert.equal(reply.status, httpStatus(code), code);
    assert.equal(reply.body.error?.code, code);
    assert.equal(reply.body.error?.message, `a ${code} error`);
  }
});

test('an unexpected failure reaches the client as a generic message with a log id; the log has the full text under that id', async () => {
  logged.length = 0;
  const reply = await post('library.tags');
  assert.equal(reply.status, 500);
  assert.equal(reply.body.error?.code, 'internal');
  const text = JSON.stringify(reply.body);
  assert.doesNotMatch(text, /EACCES|permission denied|\/home\/|secret\.sqlite|errno|-13/);
  const logId = reply.body.error?.details?.logId;
  assert.match(String(logId), /^[0-9a-f]{8}$/);
  assert.ok(reply.body.error?.message.includes(String(logId)), reply.body.error?.message);
  const line = logged.find((l) => l.includes(String(logId)));
  assert.ok(line, `no log line with ${logId}: ${logged.join('\n')}`);
  assert.match(line, /EACCES: permission denied, open '\/home\/someone/);
});

test('an internal GlimmerError is treated the same: its own text stays in the log', async () => {
  nextCode = 'internal';
  logged.length = 0;
  const reply = await post('system.ping');
  assert.equal(reply.status, 500);
  assert.notEqual(reply.body.error?.message, 'a internal error');
  assert.ok(logged.some((l) => l.includes('a internal error') && l.includes(String(reply.body.error?.details?.logId))));
});
