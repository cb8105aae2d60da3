/**
 * The parts of the remote engines that need no server: what a target cannot take, the wire formats
 * (multipart both ways, strict base64, rounded sizes, the request made self-contained for a Glimmer
 * server), server URLs, Retry-After and backoff, the ETA history, the pool's order, errors in words,
 * and servers.json (names, pools of one kind, keys kept and removed, a damaged file set aside).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GenerateRequest, requestImages, ServerUrl, targetLimits } from '../../main/contract';
import { decodeBase64, decodeMultipart, encodeMultipart, EtaHistory, multipartBoundary, PoolRotation, roundTo32, ServerHealth } from '../../main/remote';
import { retryAfterMs, statusFailure } from '../../main/remote/errors';
import { glimmerWireRequest } from '../../main/remote/glimmer-wire';
import { retryDelay } from '../../main/remote/retry';
import { serverBase } from '../../main/remote/server-url';
import { ServerStore } from '../../main/studio/servers';

const text = GenerateRequest.parse({ mode: 'text', prompt: 'p' });

describe('what a target cannot take', () => {
  test('this computer and Glimmer servers take everything; an OpenAI-style server no mask, no prior tokens, no AR seed, no exact progress', () => {
    const masked = GenerateRequest.parse({ mode: 'edit', prompt: 'p', images: [{ generationId: '1' }], mask: { generationId: '2' } });
    const vary = GenerateRequest.parse({ mode: 'text', prompt: 'p', reuseTokensOf: '3' });
    assert.deepEqual(targetLimits('local', masked), []);
    assert.deepEqual(targetLimits('glimmer', masked), []);
    assert.deepEqual(targetLimits('openai', text), ['arSeed', 'progress']);
    assert.deepEqual(targetLimits('openai', masked), ['mask', 'arSeed', 'progress']);
    assert.deepEqual(targetLimits('openai', vary), ['priorTokens', 'arSeed', 'progress']);
  });

  test('server URLs: http(s) only, no user name or password, no query', () => {
    assert.equal(ServerUrl.safeParse('http://gpu-box:8091').success, true);
    assert.equal(ServerUrl.safeParse('https://gpu.example/glimmer/').success, true);
    for (const bad of ['ftp://x', 'http://user:pw@x', 'http://x/?token=1', 'gpu-box:8091', 'http://x/#a']) assert.equal(ServerUrl.safeParse(bad).success, false, bad);
    assert.equal(serverBase('http://h:1/v1').toString(), 'http://h:1/');
    assert.equal(serverBase('http://h:1/v1/').toString(), 'http://h:1/');
    assert.equal(serverBase('https://h/proxy/glimmer').toString(), 'https://h/proxy/glimmer/');
  });
});

describe('wire formats', () => {
  test('sizes round to the nearest multiple of 32, at least 32', () => {
    assert.deepEqual([1000, 600, 1024, 10, 47, 48].map(roundTo32), [992, 608, 1024, 32, 32, 64]);
  });

  test('multipart: what is encoded decodes to the same fields and bytes (CRLF inside a file included)', () => {
    const bin = Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 45, 45, 13, 10, 0, 255]);
    const { body, contentType } = encodeMultipart([['prompt', 'a "quoted" sign'], ['n', '1']], [{ name: 'image[]', filename: 'a.png', contentType: 'image/png', bytes: bin }]);
    const parts = decodeMultipart(body, multipartBoundary(contentType)!);
    assert.deepEqual(parts.map((p) => [p.name, p.filename]), [['prompt', null], ['n', null], ['image[]', 'a.png']]);
    assert.equal(parts[0]!.data.toString(), 'a "quoted" sign');
    assert.deepEqual([...parts[2]!.data], [...bin]);
    assert.equal(multipartBoundary('application/json'), null);
    assert.throws(() => decodeMultipart(Buffer.from('--b\r\nno headers here'), 'b'), /not valid multipart/);
    assert.throws(() => decodeMultipart(Buffer.from('nothing'), 'b'), /no boundary/);
  });

  test('base64 is strict: an error page is not bytes', () => {
    assert.deepEqual([...decodeBase64('AAEC')!], [0, 1, 2]);
    assert.equal(decodeBase64('<html>oops</html>'), null);
    assert.equal(decodeBase64('AAE'), null);
  });

  test('a request for a Glimmer server is self-contained; local ids stay here', () => {
    const req = GenerateRequest.parse({
      mode: 'edit',
      prompt: 'p',
      images: [{ generationId: '4' }],
      mask: { dataBase64: 'AAAA' },
      reuseTokensOf: '4',
      parentId: '4',
      projectId: '2',
      target: { type: 'server', id: 'srv-abcdef' },
    });
    const wire = glimmerWireRequest(req, { images: { '4': new Uint8Array([1, 2, 3]) }, reuseTokens: { ids: Int32Array.from([7, 8]), rows: 1, cols: 2 } });
    assert.deepEqual(wire.images, [{ dataBase64: 'AQID', name: 'generation-4.png' }]);
    assert.deepEqual(wire.mask, { dataBase64: 'AAAA' });
    assert.deepEqual(wire.priorTokens, { rows: 1, cols: 2, data: Buffer.from(new Int32Array([7, 8]).buffer).toString('base64') });
    for (const k of ['target', 'parentId', 'projectId', 'reuseTokensOf']) assert.equal(k in wire, false, k);
    assert.equal(GenerateRequest.safeParse(wire).success, true, 'the server takes it as it is');
    assert.throws(() => glimmerWireRequest(req, {}), /names generation 4, which is not in the library/);
  });

  test('a style transfer with several style images: content first, then every style in order, each made self-contained', () => {
    const req = GenerateRequest.parse({ mode: 'style', prompt: 'p', content: { dataBase64: 'AAAA' }, style: { generationId: '5' }, moreStyles: [{ dataBase64: 'BBBB' }, { generationId: '6' }] });
    assert.deepEqual(requestImages(req).map((n) => n.role), ['content', 'style', 'style', 'style']);
    assert.deepEqual(requestImages(req)[2]!.ref, { dataBase64: 'BBBB' });
    const wire = glimmerWireRequest(req, { images: { '5': new Uint8Array([1]), '6': new Uint8Array([2]) } });
    assert.deepEqual(wire.moreStyles, [{ dataBase64: 'BBBB' }, { dataBase64: 'Ag==', name: 'generation-6.png' }]);
    assert.equal(GenerateRequest.safeParse(wire).success, true, 'the server takes it as it is');
    // four images in all, as an edit: a fourth style is refused, and so is an empty list
    const four = [{ dataBase64: 'AAAA' }, { dataBase64: 'AAAA' }, { dataBase64: 'AAAA' }];
    assert.equal(GenerateRequest.safeParse({ mode: 'style', prompt: 'p', content: { dataBase64: 'AAAA' }, style: { dataBase64: 'AAAA' }, moreStyles: four }).success, false);
    assert.equal(GenerateRequest.safeParse({ mode: 'style', prompt: 'p', content: { dataBase64: 'AAAA' }, style: { dataBase64: 'AAAA' }, moreStyles: [] }).success, false);
  });
});

describe('failures, retries and the ETA', () => {
  test('Retry-After as seconds or a date; the backoff doubles with jitter and takes Retry-After first', () => {
    assert.equal(retryAfterMs({ 'retry-after': '5' }), 5000);
    assert.equal(retryAfterMs({ 'retry-after': new Date(10_000 + 3000).toUTCString() }, 10_000), 3000);
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined);
    const policy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 3000, maxRetryAfterMs: 60_000 };
    const err = statusFailure(503, {}, Buffer.from(''), 'S', '/x');
    assert.equal(retryDelay(err, 1, policy, () => 0.5), 1000);
    assert.equal(retryDelay(err, 2, policy, () => 0.5), 2000);
    assert.equal(retryDelay(err, 3, policy, () => 0.5), 3000, 'capped');
    assert.equal(retryDelay(err, 1, policy, () => 0), 800);
    assert.equal(retryDelay(statusFailure(429, { 'retry-after': '7' }, Buffer.from(''), 'S', '/x'), 1, policy), 7000);
  });

  test('HTTP statuses in words, with our codes; only 429 and 502-504 are worth retrying', () => {
    const f = (status: number, body = '') => statusFailure(status, {}, Buffer.from(body), 'The server "s"', '/v1/images/generations');
    assert.deepEqual([401, 403, 404, 413, 422, 429, 500, 503].map((s) => f(s).code), ['unauthorized', 'forbidden', 'not_found', 'too_large', 'bad_request', 'unavailable', 'unavailable', 'unavailable']);
    assert.deepEqual([400, 429, 500, 502, 503, 504].map((s) => f(s).retryable), [false, true, false, true, true, true]);
    assert.match(f(500, '{"detail":"CUDA out of memory"}').message, /failed the job \(500\): CUDA out of memory$/);
    assert.match(f(400, '{"error":{"message":"bad size"}}').message, /refused the request \(400\): bad size$/);
    assert.match(f(500, 'x'.repeat(5000)).message.split(': ')[1]!, /^x{300}$/, 'bounded');
    assert.equal(f(400).serverFault, false);
    assert.equal(f(500).serverFault, true);
  });

  test('the ETA: none before a job; then the median ms per megapixel-step of the last ones', () => {
    const h = new EtaHistory();
    assert.equal(h.estimate('s', 10), null);
    h.record('s', 1000, 1);
    h.record('s', 3000, 1);
    h.record('s', 2000, 1);
    assert.equal(h.estimate('s', 10), 20_000);
    for (let i = 0; i < 50; i++) h.record('s', 500, 1);
    assert.equal(h.count('s'), 20);
    assert.equal(h.estimate('s', 1), 500);
    assert.deepEqual(new EtaHistory(h.toJSON()).estimate('s', 2), 1000, 'it survives a restart');
  });

  test('a pool\'s order: in turn from the last picked, healthy first, cooling down by soonest back, busy last', () => {
    const m = ['a', 'b', 'c', 'd'].map((id) => ({ id, name: id }));
    const health = new ServerHealth(1000);
    const r = new PoolRotation();
    assert.deepEqual(r.order('p', m, health, new Set()).map((x) => x.id), ['a', 'b', 'c', 'd']);
    r.picked('p', m, m[1]!);
    health.markFailed('d', 'x', 100);
    health.markFailed('c', 'y', 50);
    assert.deepEqual(r.order('p', m, health, new Set(['a']), 200).map((x) => x.id), ['b', 'c', 'd', 'a']);
    assert.deepEqual(r.order('p', m, health, new Set(), 2000).map((x) => x.id), ['c', 'd', 'a', 'b'], 'cooled down');
  });
});

describe('servers.json', () => {
  test('add, rename, pools of one kind, keys kept and removed; readable by its owner only', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-servers-'));
    try {
      const store = new ServerStore(dir);
      const a = await store.add({ name: 'GPU 1', url: 'http://gpu-1:8091', kind: 'openai', key: 'sk-1', pool: 'gpus' });
      await assert.rejects(store.add({ name: 'gpu 1', url: 'http://x', kind: 'openai' }), /already a server named "gpu 1"/);
      await assert.rejects(store.add({ name: 'G', url: 'http://x', kind: 'glimmer', pool: 'GPUS' }), /a pool's servers are all of one kind/);
      const b = await store.add({ name: 'GPU 2', url: 'http://gpu-2:8091', kind: 'openai', pool: 'GPUs' });
      assert.deepEqual(store.pools(), [{ name: 'gpus', kind: 'openai', servers: [a.id, b.id] }]);
      assert.equal(statSync(store.file).mode & 0o777, 0o600);
      await store.update(a.id, { key: null, name: 'GPU one' });
      const again = new ServerStore(dir);
      assert.equal(again.get(a.id).name, 'GPU one');
      assert.equal(again.get(a.id).key, undefined, 'the key was removed');
      assert.equal(again.clientId, store.clientId, 'one client id per studio');
      assert.ok(!readFileSync(store.file, 'utf8').includes('sk-1'));
      await again.remove(b.id);
      assert.throws(() => again.get(b.id), /no server/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a damaged file is set aside as .bad and the studio starts with no servers', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-servers-'));
    try {
      writeFileSync(path.join(dir, 'servers.json'), '{"version":1,"servers":[{"id":"x"}]}');
      const logs: string[] = [];
      const store = new ServerStore(dir, (m) => logs.push(m));
      assert.deepEqual(store.list(), []);
      assert.match(logs[0]!, /is damaged/);
      assert.ok(statSync(path.join(dir, 'servers.json.bad')).isFile());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
