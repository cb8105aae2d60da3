/**
 * The Electron protocol handlers as plain functions of a Request (Electron itself cannot start
 * here): app://studio serves the renderer with the CSP and security headers on every response (the
 * session's header hooks never see custom protocols); glimmer-media:// serves files under the media
 * roots only; and whatever a request names (a folder, bad encoding, traversal, a missing root), the
 * answer is a Response with a 4xx, never a rejection.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { contentSecurityPolicy } from '../../main/api/csp';
import { appProtocolResponse, mediaProtocolResponse } from '../../main/app/protocol-handlers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-protocols-'));
const renderer = path.join(dir, 'renderer');
const images = path.join(dir, 'data', 'images');
mkdirSync(path.join(renderer, 'assets'), { recursive: true });
mkdirSync(path.join(images, 'ab'), { recursive: true });
writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(path.join(images, 'ab', 'x.png'), 'png bytes');
writeFileSync(path.join(dir, 'data', 'secret.txt'), 'secret');
symlinkSync(path.join(dir, 'data', 'secret.txt'), path.join(images, 'link.png'));
after(() => rmSync(dir, { recursive: true, force: true }));

const logged: string[] = [];
const log = (line: string) => logged.push(line);
const app = (url: string, method = 'GET') => appProtocolResponse(new Request(url, { method }), renderer, log);
const media = (url: string, method = 'GET') => mediaProtocolResponse(new Request(url, { method }), { images }, log);

test('app://studio: files and the SPA fallback, each with the CSP and security headers', async () => {
  for (const [url, body] of [
    ['app://studio/index.html', '<!doctype html><title>studio</title>'],
    ['app://studio/assets/app.js', 'console.log(1)'],
    ['app://studio/gallery/deep/link', '<!doctype html><title>studio</title>'],
  ] as const) {
    const res = await app(url);
    assert.equal(res.status, 200, url);
    assert.equal(await res.text(), body);
    assert.equal(res.headers.get('content-security-policy'), contentSecurityPolicy(), url);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  }
  assert.match((await app('app://studio/assets/app.js')).headers.get('content-type') ?? '', /javascript/);
});

test('app://: traversal, folders, bad encoding, other hosts and methods get an answer, never the file', async () => {
  const cases: Array<[string, string?]> = [
    ['app://studio/..%2f..%2fdata%2fsecret.txt'],
    ['app://studio/%2e%2e/data/secret.txt'],
    ['app://studio/assets'],
    ['app://studio/%E0%A4%A'],
    ['app://studio/%00'],
    ['app://evil/index.html'],
    ['app://studio/index.html', 'POST'],
  ];
  for (const [url, method] of cases) {
    const res = await app(url, method);
    const text = await res.text();
    assert.notEqual(text, 'secret', url);
    assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), `${url} → ${res.status}`);
    assert.equal(res.headers.get('content-security-policy'), contentSecurityPolicy(), `${url}: an error answer carries the CSP too`);
  }
});

test('glimmer-media://: a file under its root; folders, traversal, links out and unknown roots refused', async () => {
  const ok = await media('glimmer-media://images/ab/x.png');
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'png bytes');
  assert.equal(ok.headers.get('access-control-allow-origin'), 'app://studio');
  for (const url of [
    'glimmer-media://images/ab',
    'glimmer-media://images/ab/',
    'glimmer-media://images/link.png',
    'glimmer-media://images/..%2fsecret.txt',
    'glimmer-media://images/%E0%A4%A',
    'glimmer-media://nope/x.png',
    'glimmer-media://__proto__/x.png',
    'glimmer-media://images/ab/missing.png',
  ]) {
    const res = await media(url);
    assert.ok(res.status >= 400 && res.status < 500, `${url} → ${res.status}`);
    assert.notEqual(await res.text(), 'secret');
  }
  assert.equal((await media('glimmer-media://images/ab/x.png', 'POST')).status, 400);
});

test('a renderer folder that is gone is an answer too (no rejection)', async () => {
  const res = await appProtocolResponse(new Request('app://studio/index.html'), path.join(dir, 'gone'), log);
  assert.equal(res.status, 404);
});
