/**
 * The OpenAI-style remote engine against a fake vLLM-Omni/SGLang image server on loopback (a real
 * HTTP server; only the GPU behind it is fake): the request shapes of generate and edit, the key,
 * rounded sizes, retries, 429 with Retry-After, cancel aborting the request, stalls and time limits,
 * wrong bodies refused, every kind of bad server a clear error, the pool skipping a failed server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { GenerateRequest, type GenerateRequestInput, StoredRecipe } from '../../main/contract';
import {
  EtaHistory,
  OpenAiEngine,
  PoolRotation,
  RemoteError,
  type RemoteImage,
  type RemoteProgress,
  runOnPool,
  ServerHealth,
  type ServerConfig,
} from '../../main/remote';
import { closedPort, type FakeOpenAiServer, startFakeOpenAiServer } from '../helpers/fake-openai-server';
import { canRun } from '../helpers/studio';
import { testCertificate } from '../helpers/tls';

const FAST = { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 5000 }, tickMs: 20 };

function engine(server: { url: string } | string, extra: Partial<ServerConfig> = {}, opts: ConstructorParameters<typeof OpenAiEngine>[1] = { app: 'Glimmer Studio test', ...FAST }): OpenAiEngine {
  const url = typeof server === 'string' ? server : server.url;
  return new OpenAiEngine({ id: 'srv-test01', name: 'GPU box', url, kind: 'openai', ...extra }, opts);
}

function request(r: Partial<GenerateRequestInput> & { mode?: string } = {}): GenerateRequest {
  return GenerateRequest.parse({ mode: 'text', prompt: 'a poster that says "hello"', width: 512, height: 384, steps: 20, guidance: 2, seed: 7, ...r });
}

async function run(e: OpenAiEngine, req: GenerateRequest, signal?: AbortSignal) {
  const images: RemoteImage[] = [];
  const progress: RemoteProgress[] = [];
  const count = await e.run({ request: req }, { signal, onImage: (img) => void images.push(img), onProgress: (p) => progress.push(p) });
  return { count, images, progress };
}

async function pngB64(w: number, h: number, r = 10): Promise<string> {
  return (await sharp({ create: { width: w, height: h, channels: 3, background: { r, g: 20, b: 30 } } }).png().toBuffer()).toString('base64');
}

async function rejects(p: Promise<unknown>): Promise<RemoteError> {
  try {
    await p;
  } catch (err) {
    return err as RemoteError;
  }
  assert.fail('expected the job to fail');
}

describe('OpenAI-style remote engine', () => {
  let fake: FakeOpenAiServer;
  before(async () => {
    fake = await startFakeOpenAiServer({ key: 'sk-test-key' });
  });
  after(async () => fake.close());

  test('text-to-image: the JSON both servers take, the key as a Bearer header, a checked image and a recipe naming the server', async () => {
    const before = fake.imageRequests().length;
    const { count, images } = await run(engine(fake, { key: 'sk-test-key' }), request({ count: 2 }));
    assert.equal(count, 2);
    const got = fake.imageRequests().slice(before);
    assert.equal(got.length, 2, 'one request per image');
    assert.equal(got[0]!.path, '/v1/images/generations');
    assert.equal(got[0]!.headers.authorization, 'Bearer sk-test-key');
    assert.deepEqual(got[0]!.json, { prompt: 'a poster that says "hello"', size: '512x384', n: 1, response_format: 'b64_json', seed: 7, num_inference_steps: 20, guidance_scale: 2 });
    assert.equal(got[1]!.json!.seed, 8, 'the second image has the next seed');
    assert.equal(images[0]!.pixels.width, 512);
    assert.equal(images[0]!.pixels.height, 384);
    assert.equal(images[0]!.pixels.rgb.length, 512 * 384 * 3);
    const recipe = StoredRecipe.parse(images[0]!.recipe);
    assert.equal(recipe.seed, 7);
    assert.equal(recipe.model, 'zai-org/GLM-Image');
    assert.deepEqual(recipe.remote, { server: 'GPU box', url: fake.url, kind: 'openai', product: 'vLLM-Omni', model: 'zai-org/GLM-Image', notTaken: ['arSeed', 'progress'] });
  });

  test('style transfer goes to /v1/images/edits as multipart, the images as image[] in the model order', async () => {
    const before = fake.imageRequests().length;
    const content = await pngB64(64, 64, 200);
    const style = await pngB64(96, 64, 50);
    const { images } = await run(engine(fake, { key: 'sk-test-key' }), request({ mode: 'style', content: { dataBase64: content }, style: { dataBase64: style } }));
    const [got] = fake.imageRequests().slice(before);
    assert.equal(got!.path, '/v1/images/edits');
    assert.match(String(got!.headers['content-type']), /^multipart\/form-data; boundary=/);
    const fields = Object.fromEntries(got!.parts!.filter((p) => p.filename === null).map((p) => [p.name, p.data.toString()]));
    assert.deepEqual(fields, { prompt: 'a poster that says "hello"', size: '512x384', n: '1', response_format: 'b64_json', seed: '7', num_inference_steps: '20', guidance_scale: '2' });
    const files = got!.parts!.filter((p) => p.filename !== null);
    assert.deepEqual(files.map((f) => f.name), ['image[]', 'image[]']);
    assert.deepEqual(files.map((f) => f.data.toString('base64')), [content, style], 'content first, then style, byte for byte');
    assert.equal(files[0]!.contentType, 'image/png');
    assert.equal(images[0]!.recipe.references?.length, 2);

    // with more style images: every one goes, after the first style, in order
    const more = [await pngB64(64, 96, 120), await pngB64(80, 80, 10)];
    const again = fake.imageRequests().length;
    const second = await run(engine(fake, { key: 'sk-test-key' }), request({ mode: 'style', content: { dataBase64: content }, style: { dataBase64: style }, moreStyles: more.map((dataBase64) => ({ dataBase64 })) }));
    const [sent] = fake.imageRequests().slice(again);
    assert.deepEqual(sent!.parts!.filter((p) => p.filename !== null).map((f) => f.data.toString('base64')), [content, style, ...more], 'content, then the three styles, byte for byte');
    assert.equal(second.images[0]!.recipe.references?.length, 4);
  });

  test('sizes go out rounded to multiples of 32, and the image must come back at that size', async () => {
    const before = fake.imageRequests().length;
    // the contract only takes multiples of 32; the engine rounds whatever it is handed
    const req = { ...request(), width: 1000, height: 600 } as GenerateRequest;
    const { images } = await run(engine(fake, { key: 'sk-test-key' }), req);
    assert.equal(fake.imageRequests()[before]!.json!.size, '992x608');
    assert.equal(images[0]!.pixels.width, 992);
    assert.equal(images[0]!.recipe.width, 992);
  });

  test('a masked edit or "vary details" is refused before anything is sent', async () => {
    const before = fake.imageRequests().length;
    const img = await pngB64(64, 64);
    const masked = await rejects(run(engine(fake, { key: 'sk-test-key' }), request({ mode: 'edit', images: [{ dataBase64: img }], mask: { dataBase64: img } })));
    assert.equal(masked.code, 'bad_request');
    assert.match(masked.message, /cannot do masked edits/);
    const vary = await rejects(run(engine(fake, { key: 'sk-test-key' }), request({ reuseTokensOf: '12' })));
    assert.match(vary.message, /vary details/);
    assert.equal(fake.imageRequests().length, before, 'nothing reached the server');
  });

  test('a dropped connection is retried with backoff', async () => {
    const before = fake.imageRequests().length;
    fake.next({ kind: 'drop' }, { kind: 'drop' });
    const { count } = await run(engine(fake, { key: 'sk-test-key' }), request());
    assert.equal(count, 1);
    assert.equal(fake.imageRequests().length - before, 3, 'two drops, then the image');
  });

  test('502/503 are retried; three failures in a row fail the job saying how many tries', async () => {
    fake.next({ kind: 'status', status: 503 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
    const err = await rejects(run(engine(fake, { key: 'sk-test-key' }), request()));
    assert.equal(err.code, 'unavailable');
    assert.match(err.message, /"GPU box" is not available \(503\).*\(3 tries\)/);
  });

  test('429 waits for Retry-After before trying again', async () => {
    fake.next({ kind: 'status', status: 429, body: { error: { message: 'too many requests' } }, headers: { 'retry-after': '1' } });
    const before = fake.imageRequests().length;
    const t0 = Date.now();
    const { count } = await run(engine(fake, { key: 'sk-test-key' }), request());
    const got = fake.imageRequests().slice(before);
    assert.equal(count, 1);
    assert.equal(got.length, 2);
    assert.ok(got[1]!.at - got[0]!.at >= 950, `waited ${got[1]!.at - got[0]!.at} ms, Retry-After said 1 s`);
    assert.ok(Date.now() - t0 >= 950);
  });

  test('a Retry-After longer than we wait fails at once, saying how long', async () => {
    fake.next({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
    const err = await rejects(run(engine(fake, { key: 'sk-test-key' }), request()));
    assert.match(err.message, /busy \(429\).*asks to wait 3600 s/);
  });

  test('cancel aborts the request: the server sees the client go away', async () => {
    fake.next({ kind: 'hang' });
    const before = fake.imageRequests().length;
    const controller = new AbortController();
    const job = run(engine(fake, { key: 'sk-test-key' }), request(), controller.signal);
    await fake.waitForImageRequests(before + 1);
    controller.abort();
    const err = await rejects(job);
    assert.equal(err.code, 'cancelled');
    const rec = fake.imageRequests()[before]!;
    for (let i = 0; i < 50 && !rec.clientGone; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(rec.clientGone, true, 'the connection was closed');
    assert.equal(rec.answered, false);
  });

  test('a server that stalls mid-answer times out with a clear message (and is tried again)', async () => {
    fake.next({ kind: 'stall' }, { kind: 'stall' }, { kind: 'stall' });
    const e = engine(fake, { key: 'sk-test-key' }, { app: 'test', ...FAST, limits: { stallMs: 200 } });
    const err = await rejects(run(e, request()));
    assert.equal(err.reason, 'stall');
    assert.match(err.message, /"GPU box" stopped sending its answer \(nothing for 0\.2 s\)/);
  });

  test('a server that never answers hits the time limit', async () => {
    fake.next({ kind: 'hang' });
    const e = engine(fake, { key: 'sk-test-key' }, { app: 'test', ...FAST, limits: { timeoutMs: 300 } });
    const err = await rejects(run(e, request()));
    assert.equal(err.reason, 'timeout');
    assert.match(err.message, /did not finish within 0\.3 s/);
  });

  test('bodies that are not an image, or an image of the wrong size, are refused', async () => {
    fake.next({ kind: 'notImage' });
    let err = await rejects(run(engine(fake, { key: 'sk-test-key' }), request()));
    assert.equal(err.code, 'bad_image');
    assert.match(err.message, /not a PNG, JPEG or WebP image; nothing was kept/);
    fake.next({ kind: 'wrongSize' });
    err = await rejects(run(engine(fake, { key: 'sk-test-key' }), request()));
    assert.match(err.message, /sent a 256x384 image where 512x384 was asked/);
    fake.next({ kind: 'textBody' });
    err = await rejects(run(engine(fake, { key: 'sk-test-key' }), request()));
    assert.match(err.message, /not JSON \(Internal proxy page/);
  });

  test('a huge answer is cut off at the cap', async () => {
    fake.next({ kind: 'huge', bytes: 8 * 1024 * 1024 });
    const e = engine(fake, { key: 'sk-test-key' }, { app: 'test', ...FAST, limits: { maxBytes: 1024 * 1024 } });
    const err = await rejects(run(e, request()));
    assert.equal(err.code, 'too_large');
    assert.match(err.message, /larger than 1 MB; it was cut off and nothing was kept/);
  });

  test('a key the server echoes back never reaches the message (nor the log)', async () => {
    const logs: string[] = [];
    fake.next({ kind: 'status', status: 503, body: { detail: 'overloaded; your header was Bearer sk-test-key' } }, { kind: 'status', status: 403, body: { detail: 'key sk-test-key is not allowed here' } });
    const e = engine(fake, { key: 'sk-test-key' }, { app: 'test', ...FAST, log: (m) => logs.push(m) });
    const err = await rejects(run(e, request()));
    assert.match(err.message, /key \[key\] is not allowed here/);
    assert.ok(!err.message.includes('sk-test-key'));
    assert.ok(logs.length > 0 && logs.every((l) => !l.includes('sk-test-key')), logs.join('\n'));
    assert.equal(err.code, 'forbidden', 'the code survives');
  });

  test('401, 404 and 500 each say what happened', async () => {
    let err = await rejects(run(engine(fake, { key: 'wrong' }), request()));
    assert.equal(err.code, 'unauthorized');
    assert.match(err.message, /refused the key \(401\): Invalid API key/);
    err = await rejects(run(engine(`${fake.url}/some/prefix`, { key: 'sk-test-key' }), request()));
    assert.equal(err.code, 'not_found');
    assert.match(err.message, /has no \/v1\/images\/generations \(404\)/);
    fake.next({ kind: 'status', status: 500, body: { detail: 'CUDA out of memory' } });
    err = await rejects(run(engine(fake, { key: 'sk-test-key' }), request()));
    assert.match(err.message, /failed the job \(500\): CUDA out of memory/);
  });

  test('a refused connection and a host that does not exist', async () => {
    const port = await closedPort();
    let err = await rejects(run(engine(`http://127.0.0.1:${port}`), request()));
    assert.equal(err.reason, 'refused');
    assert.match(err.message, /refused the connection at 127\.0\.0\.1:\d+: nothing is listening there.*\(3 tries\)/);
    err = await rejects(run(engine('http://no-such-host.invalid:8091'), request()));
    assert.equal(err.reason, 'dns');
    assert.match(err.message, /no host named no-such-host\.invalid/);
  });

  test('an estimated ETA from the server\'s past jobs while it works', async () => {
    const history = new EtaHistory();
    const e = engine(fake, { key: 'sk-test-key' }, { app: 'test', ...FAST, history });
    fake.next({ kind: 'image', delayMs: 150 });
    const first = await run(e, request());
    assert.ok(first.progress.every((p) => p.estimated === true && p.phase === 'remote' && p.etaMs === null), 'no past job: no ETA');
    assert.equal(history.count('srv-test01'), 1);
    fake.next({ kind: 'image', delayMs: 150 });
    const second = await run(e, request());
    const withEta = second.progress.filter((p) => p.etaMs !== null);
    assert.ok(withEta.length > 0);
    assert.ok(withEta.every((p) => p.estimated === true && p.total === 100));
    assert.ok(withEta[0]!.etaMs! > 0);
  });

  test('test connection says what the server is and which model it serves', async () => {
    const ok = await engine(fake, { key: 'sk-test-key' }).test();
    assert.equal(ok.ok, true);
    assert.equal(ok.product, 'vLLM-Omni');
    assert.equal(ok.model, 'zai-org/GLM-Image');
    const noKey = await engine(fake).test();
    assert.equal(noKey.ok, false);
    assert.match(noKey.message, /401/);
    const sglang = await startFakeOpenAiServer({ ownedBy: 'sglang', model: 'GLM-Image' });
    try {
      const t = await engine(`${sglang.url}/v1`).test();
      assert.equal(t.product, 'SGLang-Diffusion');
      assert.equal(t.message, 'SGLang-Diffusion answers, serving GLM-Image.');
    } finally {
      await sglang.close();
    }
  });
});

describe('OpenAI-style remote engine over TLS', () => {
  test('a certificate this machine does not trust is a clear TLS error; with its CA it works', async (t) => {
    const cert = testCertificate();
    if (!canRun(t, typeof cert === 'string' ? cert : null) || typeof cert === 'string') return;
    const fake = await startFakeOpenAiServer({ tls: cert });
    try {
      const err = await rejects(run(engine(fake), request()));
      assert.equal(err.reason, 'tls');
      assert.match(err.message, /secure connection failed \(self[- ]signed certificate\)/);
      const { count } = await run(engine(fake, { ca: cert.cert }), request());
      assert.equal(count, 1);
      const plain = await rejects(run(engine(fake.url.replace('https:', 'http:')), request()));
      assert.equal(plain.reason, 'dropped', 'plain HTTP to a TLS port: the server hangs up');
    } finally {
      await fake.close();
    }
  });
});

describe('pools', () => {
  test('jobs go to the servers in turn; a failing server is skipped for a while and the job moves on', async () => {
    const a = await startFakeOpenAiServer({ colour: { r: 255, g: 0, b: 0 } });
    const b = await startFakeOpenAiServer({ colour: { r: 0, g: 0, b: 255 } });
    const down = await closedPort();
    try {
      const members = [
        { id: 'srv-aaaaaa', name: 'a', url: a.url },
        { id: 'srv-dddddd', name: 'down', url: `http://127.0.0.1:${down}` },
        { id: 'srv-bbbbbb', name: 'b', url: b.url },
      ];
      const health = new ServerHealth(60_000);
      const rotation = new PoolRotation();
      const used: string[] = [];
      const once = async () => {
        const order = rotation.order('gpus', members, health, new Set());
        return runOnPool('gpus', order, health, async (m) => {
          rotation.picked('gpus', members, m);
          await run(engine(m.url, { id: m.id, name: m.name }, { app: 'test', retry: { attempts: 1 } }), request());
          used.push(m.name);
        });
      };
      await once();
      await once(); // 'down' is next: it refuses, is marked, and the job goes to b
      await once();
      await once();
      assert.deepEqual(used, ['a', 'b', 'a', 'b']);
      assert.notEqual(health.failingUntil('srv-dddddd'), null, 'the refusing server is cooling down');
      assert.match(health.lastError('srv-dddddd')!, /refused the connection/);
      assert.equal(a.imageRequests().length, 2);
      assert.equal(b.imageRequests().length, 2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a failure of the job itself (a refused request) is not tried on the other servers', async () => {
    const a = await startFakeOpenAiServer();
    const b = await startFakeOpenAiServer();
    try {
      a.next({ kind: 'status', status: 400, body: { detail: 'prompt too long' } });
      const members = [
        { id: 'srv-aaaaaa', name: 'a', url: a.url },
        { id: 'srv-bbbbbb', name: 'b', url: b.url },
      ];
      const health = new ServerHealth();
      const err = await rejects(runOnPool('gpus', members, health, (m) => run(engine(m.url, { id: m.id, name: m.name }), request())));
      assert.equal(err.code, 'bad_request');
      assert.equal(b.imageRequests().length, 0);
      assert.equal(health.failingUntil('srv-aaaaaa'), null, 'a refused request says nothing bad of the server');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
