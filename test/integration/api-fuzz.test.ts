/**
 * A fuzz test over every API method, with a fixed seed: for each method a valid request is mutated
 * (each field dropped, given every wrong type, NaN / ±Infinity / huge and negative numbers, huge
 * strings, control characters, prototype keys, random garbage) and sent
 *   - over HTTP to a real `glimmer serve` process (JSON: NaN cannot travel, 1e400 arrives as
 *     Infinity): no answer may be a 5xx, and the server must keep serving;
 *   - in process through the router of a real app (the IPC path, where NaN, -0 and undefined do
 *     travel): no answer may be `internal`.
 * The data, models and hub cache folders are temporary; the hub address is unreachable.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApp, type App } from '../../main/api';
import { type Method, methods } from '../../main/contract';
import { startServe, type ServeProcess } from '../helpers/serve';

const SEED = 0x5eed_2024;

/** mulberry32: a small seeded PRNG, so a failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-fuzz-'));
const exportDir = path.join(tmp, 'export-here');
mkdirSync(exportDir);
after(() => rmSync(tmp, { recursive: true, force: true }));

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** One valid request per method (a new method without one is a type error). */
const SAMPLES = {
  'system.ping': {},
  'system.info': { refresh: false },
  'library.search': { text: 'fox', limit: 10, minRating: 1, favourite: true, tag: 't', mode: 'text', seed: 1, width: 64, height: 64, status: 'done', from: 0, to: 1, cursor: null, projectId: null, model: 'm' },
  'library.get': { id: '1' },
  'library.update': { id: '1', favourite: true, rating: 3, tags: ['a'], projectId: null },
  'library.move': { ids: ['1'], projectId: null },
  'library.delete': { ids: ['1'] },
  'library.restore': { ids: ['1'] },
  'library.tags': {},
  'library.trash': {},
  'library.emptyTrash': {},
  'library.import': { dataBase64: PNG_1PX, name: 'dot.png', tags: ['x'], projectId: null },
  'library.export': { projectId: '1', folder: exportDir },
  'library.rebuild': {},
  'projects.list': {},
  'projects.create': { name: 'Fuzz' },
  'projects.rename': { id: '1', name: 'Renamed' },
  'projects.delete': { id: '1' },
  'projects.restore': { id: '1' },
  'models.list': {},
  'models.find': {},
  'models.validate': { path: tmp },
  'models.import': { path: tmp, mode: 'reference', name: 'n' },
  'models.download.start': { repo: 'zai-org/GLM-Image', revision: 'main' },
  'models.download.pause': { id: 'x' },
  'models.download.cancel': { id: 'x' },
  'models.download.list': {},
  'models.compile.start': { path: tmp, precision: 'int4', compute: 'fp16' },
  'models.tiers': { path: tmp, width: 1024, height: 1024, imageToImage: true },
  'models.compile.cancel': { id: 'x' },
  'models.compile.list': {},
  'models.remove': { id: 'x' },
  'engine.status': {},
  'jobs.submit': { mode: 'identity', prompt: 'p', width: 64, height: 64, steps: 1, subject: { dataBase64: PNG_1PX, name: 'a.png' } },
  'jobs.list': { includeFinished: true },
  'jobs.get': { id: 'job-x' },
  'workspace.get': {},
  'library.checkText': { id: '1' },
  'workspace.update': { generate: null, canvas: null, presets: [] },
  'library.updateMany': { ids: ['1', '2'], favourite: true, rating: 3, addTags: ['a'], removeTags: ['b'] },
  'servers.list': {},
  'servers.add': { name: 'box', url: 'http://127.0.0.1:9/', kind: 'openai', pool: null },
  'servers.update': { id: 'srv-abcdef', name: 'box2', key: null },
  'servers.remove': { id: 'srv-abcdef' },
  'servers.test': { url: 'http://127.0.0.1:9/', kind: 'glimmer' },
  'jobs.cancel': { id: 'job-x' },
  'jobs.reorder': { id: 'job-x', position: 0 },
  'jobs.retry': { id: 'job-x' },
  'settings.get': {},
  'settings.update': { theme: 'dark', provider: 'cpu' },
} satisfies Record<Method, Record<string, unknown>>;

/** Values of every kind, the hostile ones included (JSON-safe unless `inProcess`). */
function strangeValues(inProcess: boolean, random: () => number): unknown[] {
  const big = 'x'.repeat(1 << 20);
  const values: unknown[] = [
    null,
    true,
    0,
    -1,
    1.5,
    2 ** 53 + 2,
    -(2 ** 63),
    1e308,
    '',
    ' ',
    'a\u0000b',
    '\u001b[31mred',
    '../../../../etc/passwd',
    '/proc/self/mem',
    '%E0%A4%A',
    big,
    '😀'.repeat(5000),
    [],
    [null],
    [big],
    {},
    { __proto__: { polluted: true } },
    JSON.parse('{"__proto__": {"polluted": true}}'),
    { constructor: { prototype: { polluted: true } } },
    Array.from({ length: 10_001 }, (_, i) => String(i + 1)),
  ];
  if (inProcess) values.push(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, undefined, 1e400);
  values.push(random() * 1e6, `r${Math.floor(random() * 1e9)}`);
  return values;
}

/** Requests for one method: the sample mutated every way, plus a few random objects. */
function mutations(method: Method, inProcess: boolean, random: () => number): unknown[] {
  const base = SAMPLES[method] as Record<string, unknown>;
  const out: unknown[] = [base, {}, [], null, 'text', 42];
  const values = strangeValues(inProcess, random);
  const keys = Object.keys(base);
  for (const k of keys) {
    const { [k]: _dropped, ...rest } = base;
    out.push(rest);
    for (const v of values) out.push({ ...base, [k]: v });
    // nested: the same strange values one level down
    if (base[k] && typeof base[k] === 'object' && !Array.isArray(base[k])) {
      for (const nk of Object.keys(base[k] as object)) for (const v of values.slice(0, 12)) out.push({ ...base, [k]: { ...(base[k] as object), [nk]: v } });
    }
  }
  out.push({ ...base, __proto__: { admin: true } }, JSON.parse(`{"__proto__":{"x":1}${keys.length > 0 ? ',' : ''}${JSON.stringify(base).slice(1)}`), { ...base, constructor: { prototype: {} } }, { ...base, unexpected: 1 });
  for (let i = 0; i < 10; i++) {
    const garbage: Record<string, unknown> = {};
    for (const k of [...keys, 'extra', '__proto__', 'toString']) if (random() < 0.5) garbage[k] = values[Math.floor(random() * values.length)];
    out.push(garbage);
  }
  return out;
}

const allMethods = Object.keys(methods) as Method[];
const logged: string[] = [];

describe('API fuzz (fixed seed)', () => {
  let serve: ServeProcess;
  let app: App;
  before(async () => {
    const env = {
      GLIMMER_MODELS_DIR: path.join(tmp, 'models'),
      HF_HOME: path.join(tmp, 'hf'),
      HF_ENDPOINT: 'http://127.0.0.1:9',
    };
    serve = await startServe(env);
    app = createApp({ mode: 'serve', paths: { dataDir: path.join(tmp, 'data'), modelsDir: path.join(tmp, 'models-in-process') }, log: (line) => logged.push(line) });
  });
  after(async () => {
    await serve?.stop();
    await app?.dispose();
  });

  test('over HTTP: no 5xx for any request of any method, and the server keeps serving', { timeout: 900_000 }, async () => {
    const random = rng(SEED);
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const method of allMethods) {
      for (const request of mutations(method, false, random)) {
        const res = await fetch(`${serve.origin}/api/call/${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(request) ?? '',
        });
        const text = await res.text();
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `${method} ${JSON.stringify(request)?.slice(0, 300)} → ${res.status} ${text.slice(0, 400)}`);
      }
      const ping = await fetch(`${serve.origin}/api/call/system.ping`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(ping.status, 200, `serve stopped answering after ${method}`);
    }
    assert.ok(serve.alive());
    console.log(`HTTP fuzz: ${sent} requests over ${allMethods.length} methods (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  });

  test('in process (the IPC path, NaN and undefined included): no internal error for any request', { timeout: 900_000 }, async () => {
    const random = rng(SEED + 1);
    const codes = new Map<string, number>();
    let sent = 0;
    for (const method of allMethods) {
      for (const request of mutations(method, true, random)) {
        const result = await app.router.call(method, request, { transport: 'test' });
        sent++;
        const code = result.ok ? 'ok' : result.error.code;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        assert.notEqual(code, 'internal', `${method} ${String(JSON.stringify(request)).slice(0, 300)} → ${logged.slice(-1)[0]?.slice(0, 1500)}`);
      }
    }
    // the method name itself, fuzzed
    for (const name of [undefined, null, 42, '', '__proto__', 'constructor', 'toString', 'system.ping\u0000', 'x'.repeat(1 << 16), ['system.ping'], { toString: () => 'system.ping' }]) {
      const result = await app.router.call(name, {}, { transport: 'test' });
      sent++;
      assert.equal(!result.ok && result.error.code, 'bad_request', String(name).slice(0, 40));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
    console.log(`in-process fuzz: ${sent} calls (seed ${SEED + 1}); codes ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
  });
});
