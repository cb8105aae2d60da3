/**
 * `glimmer serve` (the real process) against a corpus of malformed requests: bad request targets,
 * broken percent-encodings, odd methods, contradictory or oversized headers, broken bodies, WebSocket
 * upgrades gone wrong, a media path naming a folder. Each one gets a 4xx answer (or a closed
 * connection) within a few seconds, never a 5xx (a page path may get the single-page app's page, never
 * another file), and after each one the process is alive and answers a call with the token.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { rawRequest } from '../helpers/raw-http';
import { type ServeProcess, startServe } from '../helpers/serve';

let serve: ServeProcess;
let port: number;
/** A renderer of our own, so the answers do not depend on whether the real one is built. */
const renderer = mkdtempSync(path.join(os.tmpdir(), 'glimmer-corpus-renderer-'));
const PAGE = '<!doctype html><title>corpus page</title>';
writeFileSync(path.join(renderer, 'index.html'), PAGE);

before(async () => {
  serve = await startServe({ GLIMMER_RENDERER_DIR: renderer });
  port = Number(new URL(serve.openUrl).port);
  // folders inside the media roots, as the image store makes them
  mkdirSync(path.join(serve.dataDir, 'images', 'ab'), { recursive: true });
  mkdirSync(path.join(serve.dataDir, 'thumbs', 'cd'), { recursive: true });
});
after(async () => {
  await serve?.stop();
  rmSync(renderer, { recursive: true, force: true });
});

const host = () => `127.0.0.1:${port}`;
const bearer = () => `Bearer ${serve.token}`;

interface Case {
  name: string;
  bytes: () => string | Buffer;
  /** Needs an answer (a status line); otherwise a closed connection is fine too. */
  mustAnswer?: boolean;
  /** The server rightly waits for more (a slow client); the client gives up after 5 s. */
  mayWait?: boolean;
  /** A page path: the single-page app may answer 200 with its page (never with another file). */
  page?: boolean;
}

function req(method: string, target: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host()}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body.length > 0 && !Object.keys(headers).some((k) => /^(content-length|transfer-encoding)$/i.test(k))) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const upgrade = (target: string, extra: Record<string, string> = {}) =>
  req('GET', target, { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...extra }).replace(
    'Connection: close',
    'Connection: Upgrade',
  );

const call = (method: string, body: string, headers: Record<string, string> = {}) =>
  req('POST', `/api/call/${method}`, { Authorization: bearer(), 'Content-Type': 'application/json', ...headers }, body);

const cases: Case[] = [
  // request targets
  { name: 'websocket upgrade to // (no token)', bytes: () => upgrade('//') },
  { name: 'websocket upgrade to //evil.example/x (no token)', bytes: () => upgrade('//evil.example/x') },
  { name: 'websocket upgrade to http://[::1 (no token)', bytes: () => upgrade('http://[::1') },
  { name: 'websocket upgrade to /api/events with a bad key', bytes: () => upgrade('/api/events', { Authorization: bearer(), 'Sec-WebSocket-Key': '!' }) },
  { name: 'websocket upgrade to /api/events with version 99', bytes: () => upgrade('/api/events', { Authorization: bearer(), 'Sec-WebSocket-Version': '99' }) },
  { name: 'websocket upgrade to /media/images/ab', bytes: () => upgrade('/media/images/ab', { Authorization: bearer() }) },
  { name: 'GET //', bytes: () => req('GET', '//'), mustAnswer: true },
  { name: 'GET //evil.example/', bytes: () => req('GET', '//evil.example/'), mustAnswer: true },
  { name: 'GET absolute-form http://evil.example/', bytes: () => req('GET', 'http://evil.example/'), mustAnswer: true },
  { name: 'OPTIONS *', bytes: () => req('OPTIONS', '*', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET with a 8 KB target', bytes: () => req('GET', `/${'a'.repeat(8000)}`, { Authorization: bearer() }), mustAnswer: true, page: true },
  { name: 'GET /%', bytes: () => req('GET', '/%', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET /%E0%A4%A', bytes: () => req('GET', '/%E0%A4%A', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET /?token=%', bytes: () => req('GET', '/?token=%'), mustAnswer: true },
  { name: 'GET /..%2f..%2fetc%2fpasswd', bytes: () => req('GET', '/..%2f..%2fetc%2fpasswd', { Authorization: bearer() }), mustAnswer: true, page: true },
  { name: 'GET /%00', bytes: () => req('GET', '/%00', { Authorization: bearer() }), mustAnswer: true, page: true },
  // API targets
  { name: 'POST /api/call/%E0%A4%A (bad percent-encoding)', bytes: () => call('%E0%A4%A', '{}'), mustAnswer: true },
  { name: 'POST /api/call/%', bytes: () => call('%', '{}'), mustAnswer: true },
  { name: 'POST /api/call/ (no method)', bytes: () => call('', '{}'), mustAnswer: true },
  { name: 'POST /api/call/__proto__', bytes: () => call('__proto__', '{}'), mustAnswer: true },
  { name: 'POST /api/call/constructor', bytes: () => call('constructor', '{}'), mustAnswer: true },
  { name: 'POST /api/call/system.ping%00', bytes: () => call('system.ping%00', '{}'), mustAnswer: true },
  { name: 'DELETE /api/call/system.ping', bytes: () => req('DELETE', '/api/call/system.ping', { Authorization: bearer() }), mustAnswer: true },
  { name: 'PUT /', bytes: () => req('PUT', '/', { Authorization: bearer() }, 'x'), mustAnswer: true },
  // media
  { name: 'GET /media/images/ab (a folder)', bytes: () => req('GET', '/media/images/ab', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET /media/images/ab/ (a folder)', bytes: () => req('GET', '/media/images/ab/', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET /media/thumbs/cd (a folder)', bytes: () => req('GET', '/media/thumbs/cd', { Authorization: bearer() }), mustAnswer: true },
  { name: 'HEAD /media/images/ab (a folder)', bytes: () => req('HEAD', '/media/images/ab', { Authorization: bearer() }) },
  { name: 'GET /media/', bytes: () => req('GET', '/media/', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET /media/images', bytes: () => req('GET', '/media/images', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET /media/images/%', bytes: () => req('GET', '/media/images/%', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET /media/__proto__/x', bytes: () => req('GET', '/media/__proto__/x', { Authorization: bearer() }), mustAnswer: true },
  { name: 'GET /media/images/..%2f..%2fsettings.json', bytes: () => req('GET', '/media/images/..%2f..%2fsettings.json', { Authorization: bearer() }), mustAnswer: true },
  { name: 'POST /media/images/ab', bytes: () => req('POST', '/media/images/ab', { Authorization: bearer() }, '{}'), mustAnswer: true },
  // methods the parser refuses or does not route
  { name: 'method FOO', bytes: () => req('FOO', '/', { Authorization: bearer() }) },
  { name: 'CONNECT', bytes: () => req('CONNECT', host(), { Authorization: bearer() }) },
  { name: 'TRACE /', bytes: () => req('TRACE', '/', { Authorization: bearer() }), mustAnswer: true },
  // headers
  { name: 'no Host header', bytes: () => `GET / HTTP/1.1\r\nAuthorization: ${bearer()}\r\nConnection: close\r\n\r\n`, mustAnswer: true },
  { name: 'two Host headers', bytes: () => req('GET', '/', { Host: 'evil.example', Authorization: bearer() }), mustAnswer: true, page: true },
  { name: 'Content-Length: -1', bytes: () => call('system.ping', '{}', { 'Content-Length': '-1' }) },
  { name: 'Content-Length: abc', bytes: () => call('system.ping', '{}', { 'Content-Length': 'abc' }) },
  { name: 'two different Content-Lengths', bytes: () => call('system.ping', '{}', { 'Content-Length': '2', 'content-length': '3' }) },
  { name: 'Content-Length and Transfer-Encoding', bytes: () => call('system.ping', '2\r\n{}\r\n0\r\n\r\n', { 'Content-Length': '2', 'Transfer-Encoding': 'chunked' }) },
  { name: 'a broken chunk', bytes: () => call('system.ping', 'zz\r\n{}\r\n0\r\n\r\n', { 'Transfer-Encoding': 'chunked' }) },
  { name: 'a 64 KB header', bytes: () => req('GET', '/', { Authorization: bearer(), 'X-Big': 'a'.repeat(64 * 1024) }) },
  { name: 'a NUL in a header value', bytes: () => req('GET', '/', { Authorization: bearer(), 'X-Nul': 'a\0b' }) },
  { name: 'Authorization: Bearer (empty)', bytes: () => call('system.ping', '{}', { Authorization: 'Bearer ' }), mustAnswer: true },
  { name: 'Authorization: Basic', bytes: () => call('system.ping', '{}', { Authorization: 'Basic Zm9vOmJhcg==' }), mustAnswer: true },
  { name: 'a cookie of garbage', bytes: () => req('GET', '/', { Cookie: '=;;=%;glimmer_token=%;glimmer_token' }), mustAnswer: true },
  { name: 'Origin: http://[', bytes: () => call('system.ping', '{}', { Origin: 'http://[' }), mustAnswer: true },
  { name: 'Origin: null', bytes: () => call('system.ping', '{}', { Origin: 'null' }), mustAnswer: true },
  { name: 'Content-Type: text/plain', bytes: () => call('system.ping', '{}', { 'Content-Type': 'text/plain' }), mustAnswer: true },
  { name: 'no Content-Type', bytes: () => req('POST', '/api/call/system.ping', { Authorization: bearer() }, '{}'), mustAnswer: true },
  // bodies
  { name: 'body: {not json', bytes: () => call('system.ping', '{not json'), mustAnswer: true },
  { name: 'body: []', bytes: () => call('library.search', '[]'), mustAnswer: true },
  { name: 'body: null', bytes: () => call('library.search', 'null'), mustAnswer: true },
  { name: 'body: 123', bytes: () => call('library.search', '123'), mustAnswer: true },
  { name: 'body: "text"', bytes: () => call('library.search', '"text"'), mustAnswer: true },
  { name: 'body: __proto__ keys', bytes: () => call('library.search', '{"__proto__":{"limit":1},"constructor":{"prototype":{"x":1}}}'), mustAnswer: true },
  { name: 'body: 100 000 nested arrays', bytes: () => call('library.search', `${'['.repeat(100_000)}${']'.repeat(100_000)}`), mustAnswer: true },
  { name: 'body: 100 000 nested objects', bytes: () => call('library.search', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`), mustAnswer: true },
  { name: 'body: invalid UTF-8', bytes: () => Buffer.concat([Buffer.from(call('library.search', '{"text":"__"}').slice(0, -4)), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), mustAnswer: true },
  { name: 'body: shorter than Content-Length', bytes: () => call('system.ping', '{}', { 'Content-Length': '100' }), mayWait: true },
  {
    name: 'body: UTF-16',
    bytes: () => {
      const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')]);
      return Buffer.concat([Buffer.from(call('system.ping', '', { 'Content-Length': String(body.length) })), body]);
    },
    mustAnswer: true,
  },
  { name: 'body: a huge number', bytes: () => call('library.search', `{"limit":1${'0'.repeat(400)}}`), mustAnswer: true },
];

test('every malformed request gets a 4xx or a closed connection, and the server keeps serving', { timeout: 600_000 }, async () => {
  const answers: string[] = [];
  for (const c of cases) {
    const reply = await rawRequest(port, c.bytes());
    answers.push(`${reply.status ?? (reply.closed ? 'closed' : 'no answer')}  ${c.name}`);
    const ping = await rawRequest(port, call('system.ping', '{}'));
    assert.ok(serve.alive() && ping.status === 200, `after "${c.name}" a ping got ${ping.status ?? 'no answer'}:\n${serve.output().slice(-2000)}`);
    if (c.mustAnswer) assert.notEqual(reply.status, null, `no answer to "${c.name}" (${reply.closed ? 'closed' : 'still open after 5 s'})`);
    else if (!c.mayWait) assert.ok(reply.status !== null || reply.closed, `"${c.name}" got no answer and its connection stayed open`);
    if (reply.status === 200 && c.page) {
      assert.ok(reply.text.endsWith(PAGE), `"${c.name}" answered 200 with something else than the page:\n${reply.text.slice(0, 600)}`);
    } else if (reply.status !== null) {
      assert.ok(reply.status >= 300 && reply.status < 500, `"${c.name}" answered ${reply.status}:\n${reply.text.slice(0, 600)}`);
    }

  }
  console.log(`${cases.length} malformed requests:\n${answers.join("\n")}`);
});
