import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { EventBus } from '../../main/contract';
import { createRouter } from '../../main/api/router';
import { type RunningServer, startHttpServer } from '../../main/api/transport/http';
import { testHandlers } from '../helpers/handlers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-serve-'));
const staticDir = path.join(dir, 'renderer');
const images = path.join(dir, 'data', 'images');
mkdirSync(staticDir, { recursive: true });
mkdirSync(images, { recursive: true });
writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(path.join(images, 'a.png'), 'not really a png');
writeFileSync(path.join(dir, 'data', 'secret.txt'), 'secret');

const events = new EventBus();
const router = createRouter(testHandlers({ 'system.ping': () => ({ pong: true, time: 42 }) }));
let server: RunningServer;

before(async () => {
  server = await startHttpServer({ router, events, staticDir, mediaRoots: { images }, maxRequestBytes: 4096 });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(pathname: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: pathname, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const auth = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' });
const ping = (headers: Record<string, string>, body = '{}') => request('/api/call/system.ping', { method: 'POST', headers, body });

test('the printed URL carries a random token and binds to loopback', () => {
  assert.equal(server.host, '127.0.0.1');
  assert.ok(server.token.length >= 24);
  assert.ok(server.openUrl.includes(`token=${encodeURIComponent(server.token)}`));
});

test('a call with the token is served', async () => {
  const reply = await ping(auth());
  assert.equal(reply.status, 200);
  assert.deepEqual(JSON.parse(reply.body), { ok: true, value: { pong: true, time: 42 } });
});

test('no token or a wrong token is refused with 401', async () => {
  const none = await ping({ 'content-type': 'application/json' });
  assert.equal(none.status, 401);
  assert.equal(JSON.parse(none.body).error.code, 'unauthorized');
  const wrong = await ping({ authorization: `Bearer ${server.token.slice(0, -1)}x` });
  assert.equal(wrong.status, 401);
  const page = await request('/');
  assert.equal(page.status, 401);
});

test('another Origin or Host is refused even with the token', async () => {
  const origin = await ping({ ...auth(), origin: 'http://evil.example' });
  assert.equal(origin.status, 403);
  const nullOrigin = await ping({ ...auth(), origin: 'null' });
  assert.equal(nullOrigin.status, 403);
  const host = await ping({ ...auth(), host: `evil.example:${server.port}` });
  assert.equal(host.status, 403);
  const own = await ping({ ...auth(), origin: `http://127.0.0.1:${server.port}` });
  assert.equal(own.status, 200);
});

test('malformed, invalid and oversized requests get typed errors and the server keeps serving', async () => {
  const bad = await ping(auth(), '{not json');
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).error.code, 'bad_request');
  const invalid = await ping(auth(), JSON.stringify({ unexpected: true }));
  assert.equal(JSON.parse(invalid.body).error.code, 'bad_request');
  const unknown = await request('/api/call/nope.nothing', { method: 'POST', headers: auth(), body: '{}' });
  assert.equal(JSON.parse(unknown.body).error.code, 'bad_request');
  const big = await ping(auth(), JSON.stringify({ pad: 'x'.repeat(10_000) }));
  assert.equal(big.status, 413);
  assert.equal(JSON.parse(big.body).error.code, 'too_large');
  const after = await ping(auth());
  assert.equal(after.status, 200);
});

test('a body far beyond the limit gets its connection closed, and the server keeps serving', async () => {
  const outcome = await ping(auth(), 'x'.repeat(4096 * 64)).then(
    (reply) => String(reply.status),
    (err: NodeJS.ErrnoException) => err.code ?? 'error',
  );
  assert.ok(['413', 'ECONNRESET', 'EPIPE'].includes(outcome), outcome);
  const after = await ping(auth());
  assert.equal(after.status, 200);
});

test('opening the page with ?token= sets an HttpOnly cookie that authorises later calls, with a strict CSP', async () => {
  const page = await request(`/?token=${encodeURIComponent(server.token)}`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  assert.doesNotMatch(String(page.headers['content-security-policy']), /script-src[^;]*unsafe/);
  const cookie = String(page.headers['set-cookie']).split(';')[0];
  assert.match(String(page.headers['set-cookie']), /HttpOnly/);
  const viaCookie = await ping({ cookie, 'content-type': 'application/json' });
  assert.equal(viaCookie.status, 200);
});

test('media is served from its root only; traversal is refused', async () => {
  const ok = await request('/media/images/a.png', { headers: auth() });
  assert.equal(ok.status, 200);
  assert.equal(ok.body, 'not really a png');
  for (const p of ['/media/images/..%2fsecret.txt', '/media/images/%2e%2e/secret.txt', '/media/images/../secret.txt', '/media/data/secret.txt']) {
    const reply = await request(p, { headers: auth() });
    assert.ok([400, 403, 404].includes(reply.status), `${p} → ${reply.status}`);
    assert.notEqual(reply.body, 'secret');
  }
});

test('events reach an authorised WebSocket; one without the token is refused', async () => {
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
  assert.equal(refused, 401);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${encodeURIComponent(server.token)}`);
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const received = new Promise<unknown>((resolve) => ws.on('message', (data) => resolve(JSON.parse(String(data)))));
  events.emit('system.log', { level: 'info', message: 'hello', time: 1 });
  assert.deepEqual(await received, { event: 'system.log', payload: { level: 'info', message: 'hello', time: 1 } });
  ws.close();
});
