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
import { rawRequest } from '../helpers/raw-http';

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

test('GET /?token= sets a port-named HttpOnly cookie and redirects to the page without the token', async () => {
  const page = await request(`/?token=${encodeURIComponent(server.token)}&x=1`);
  assert.equal(page.status, 302);
  assert.equal(page.headers.location, '/?x=1');
  const setCookie = String(page.headers['set-cookie']);
  assert.match(setCookie, new RegExp(`^glimmer_token_${server.port}=`));
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const cookie = setCookie.split(';')[0];
  const viaCookie = await ping({ cookie, 'content-type': 'application/json' });
  assert.equal(viaCookie.status, 200);
  const shown = await request('/?x=1', { headers: { cookie } });
  assert.equal(shown.status, 200);
  assert.match(String(shown.headers['content-security-policy']), /default-src 'self'/);
  assert.doesNotMatch(String(shown.headers['content-security-policy']), /script-src[^;]*unsafe/);
  const wrong = await request(`/?token=${encodeURIComponent(server.token.slice(0, -1))}x`);
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers['set-cookie'], undefined);
});

test('?token= is accepted on GET / only: not on the API, media, other pages or the event socket', async () => {
  const q = `token=${encodeURIComponent(server.token)}`;
  const json = { 'content-type': 'application/json' };
  assert.equal((await request(`/api/call/system.ping?${q}`, { method: 'POST', headers: json, body: '{}' })).status, 401);
  assert.equal((await request(`/media/images/a.png?${q}`)).status, 401);
  assert.equal((await request(`/index.html?${q}`)).status, 401);
  assert.equal((await request(`/?${q}`, { method: 'POST', headers: json, body: '{}' })).status, 401);
  const ws = await new Promise<number>((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?${q}`);
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('open', () => resolve(101));
    socket.on('error', () => resolve(-1));
  });
  assert.equal(ws, 401);
});

test('a token cookie of another name (another port, or unscoped) does not authorise', async () => {
  const json = { 'content-type': 'application/json' };
  assert.equal((await ping({ ...json, cookie: `glimmer_token=${server.token}` })).status, 401);
  assert.equal((await ping({ ...json, cookie: `glimmer_token_${server.port + 1}=${server.token}` })).status, 401);
});

test('API calls must say Content-Type: application/json', async () => {
  const plain = await ping({ authorization: `Bearer ${server.token}`, 'content-type': 'text/plain' });
  assert.equal(plain.status, 415);
  assert.equal(JSON.parse(plain.body).error.code, 'bad_request');
  const none = await ping({ authorization: `Bearer ${server.token}` });
  assert.equal(none.status, 415);
  const form = await ping({ authorization: `Bearer ${server.token}`, 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 415);
  const charset = await ping({ ...auth(), 'content-type': 'application/json; charset=utf-8' });
  assert.equal(charset.status, 200);
});

test('a body declared over the limit is refused at once, before it is sent', async () => {
  const head = [
    'POST /api/call/system.ping HTTP/1.1',
    `Host: 127.0.0.1:${server.port}`,
    `Authorization: Bearer ${server.token}`,
    'Content-Type: application/json',
    'Content-Length: 1000000000',
    '',
    '',
  ].join('\r\n');
  const reply = await rawRequest(server.port, head, 5000);
  assert.equal(reply.status, 413);
  assert.match(reply.text, /connection: close/i);
});

test('a chunked body is cut at the limit: 413 and the connection closed, the rest never read', async () => {
  const head = [
    'POST /api/call/system.ping HTTP/1.1',
    `Host: 127.0.0.1:${server.port}`,
    `Authorization: Bearer ${server.token}`,
    'Content-Type: application/json',
    'Transfer-Encoding: chunked',
    '',
    '',
  ].join('\r\n');
  // 5 KB of chunks (over the 4 KB limit) and no terminating chunk: the server must not wait for more
  const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
  const reply = await rawRequest(server.port, head + chunk.repeat(5), 5000);
  assert.equal(reply.status, 413);
  assert.ok(reply.closed, 'the connection stays open after a body over the limit');
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
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: { cookie: `glimmer_token_${server.port}=${server.token}` } });
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const received = new Promise<unknown>((resolve) => ws.on('message', (data) => resolve(JSON.parse(String(data)))));
  events.emit('system.log', { level: 'info', message: 'hello', time: 1 });
  assert.deepEqual(await received, { event: 'system.log', payload: { level: 'info', message: 'hello', time: 1 } });
  ws.close();
});

test('large requests are read a few at a time: one past the slots and the wait list is refused, small ones still pass', async () => {
  const small = await startHttpServer({
    router,
    events,
    staticDir: null,
    mediaRoots: {},
    maxRequestBytes: 64 * 1024,
    largeRequestBytes: 1024,
    largeRequestSlots: 1,
    largeRequestWaiting: 0,
  });
  const net = await import('node:net');
  const holder = net.connect(small.port, '127.0.0.1');
  try {
    const body = JSON.stringify({ pad: 'x'.repeat(8000) });
    // the first large request takes the slot and sends half its body
    holder.write(
      [
        'POST /api/call/system.ping HTTP/1.1',
        `Host: 127.0.0.1:${small.port}`,
        `Authorization: Bearer ${small.token}`,
        'Content-Type: application/json',
        `Content-Length: ${body.length}`,
        '',
        body.slice(0, 4000),
      ].join('\r\n'),
    );
    const holderReply = new Promise<string>((resolve) => {
      let text = '';
      holder.on('data', (d: Buffer) => (text += d.toString()));
      holder.on('close', () => resolve(text));
      holder.on('end', () => resolve(text));
    });
    await new Promise((r) => setTimeout(r, 200));
    const headers = { authorization: `Bearer ${small.token}`, 'content-type': 'application/json' };
    const second = await fetch(`http://127.0.0.1:${small.port}/api/call/system.ping`, { method: 'POST', headers, body });
    assert.equal(second.status, 503);
    assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'unavailable');
    const tiny = await fetch(`http://127.0.0.1:${small.port}/api/call/system.ping`, { method: 'POST', headers, body: '{}' });
    assert.equal(tiny.status, 200);
    // the holder finishes; its request is read and answered, and the slot is free again
    holder.end(body.slice(4000));
    assert.match(await holderReply, /^HTTP\/1\.1 400/);
    const third = await fetch(`http://127.0.0.1:${small.port}/api/call/system.ping`, { method: 'POST', headers, body });
    assert.equal(third.status, 400);
  } finally {
    holder.destroy();
    await small.close();
  }
});

test('a large request whose client leaves while it waits for a slot gives the slot back', async () => {
  const small = await startHttpServer({
    router,
    events,
    staticDir: null,
    mediaRoots: {},
    maxRequestBytes: 64 * 1024,
    largeRequestBytes: 1024,
    largeRequestSlots: 1,
    largeRequestWaiting: 1,
  });
  const net = await import('node:net');
  const body = JSON.stringify({ pad: 'x'.repeat(8000) });
  const head = [
    'POST /api/call/system.ping HTTP/1.1',
    `Host: 127.0.0.1:${small.port}`,
    `Authorization: Bearer ${small.token}`,
    'Content-Type: application/json',
    `Content-Length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  const holder = net.connect(small.port, '127.0.0.1');
  const leaver = net.connect(small.port, '127.0.0.1');
  try {
    holder.on('error', () => undefined);
    leaver.on('error', () => undefined);
    holder.write(head + body.slice(0, 4000));
    await new Promise((r) => setTimeout(r, 200));
    leaver.write(head + body.slice(0, 100)); // waits for the slot...
    await new Promise((r) => setTimeout(r, 200));
    leaver.destroy(); // ...and leaves
    await new Promise((r) => setTimeout(r, 200));
    holder.end(body.slice(4000));
    const headers = { authorization: `Bearer ${small.token}`, 'content-type': 'application/json' };
    const next = await Promise.race([
      fetch(`http://127.0.0.1:${small.port}/api/call/system.ping`, { method: 'POST', headers, body }).then((r) => r.status),
      new Promise<string>((r) => setTimeout(() => r('no answer in 5 s: the slot leaked'), 5000).unref()),
    ]);
    assert.equal(next, 400);
  } finally {
    holder.destroy();
    leaver.destroy();
    await small.close();
  }
});
