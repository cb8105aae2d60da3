/**
 * `glimmer serve` as a server for others (a real serve process, the tiny model): an OpenAI-style
 * client with plain fetch gets b64 PNGs of the asked size from /v1/images/generations and
 * /v1/images/edits, and 401 without the token; our own OpenAI-style engine uses it like a vLLM-Omni
 * box; --host beyond loopback needs --allow-remote and warns; HTTPS with --tls-cert/--tls-key.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { GenerateRequest } from '../../main/contract';
import { OpenAiEngine, type RemoteImage } from '../../main/remote';
import { compiledTinyModel } from '../helpers/engine';
import { repoRoot } from '../helpers/fixtures';
import { startServe, type ServeProcess } from '../helpers/serve';
import { canRun, studioApi } from '../helpers/studio';
import { testCertificate } from '../helpers/tls';

function tokenOf(s: ServeProcess): string {
  return new URL(s.openUrl).searchParams.get('token')!;
}

async function useTinyModel(s: ServeProcess): Promise<void> {
  await (await studioApi(s)).call('settings.update', { modelDir: await compiledTinyModel(), provider: 'cpu', memoryProfile: 'resident', precision: 'fp32' });
}

describe('serve answers OpenAI-style image clients', () => {
  let s: ServeProcess;
  before(async () => {
    s = await startServe();
    await useTinyModel(s);
  });
  after(async () => s?.stop());

  test('/v1/images/generations: a b64 PNG of the asked size (plain fetch, Bearer token); 401 without it', async () => {
    const body = JSON.stringify({ prompt: 'a lighthouse', size: '64x96', n: 1, seed: 5, num_inference_steps: 2, guidance_scale: 1.5, response_format: 'b64_json', quality: 'auto' });
    const res = await fetch(`${s.origin}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf(s)}` }, body });
    assert.equal(res.status, 200, await res.clone().text());
    const j = (await res.json()) as { created: number; data: Array<{ b64_json: string }> };
    assert.equal(j.data.length, 1);
    const png = Buffer.from(j.data[0]!.b64_json, 'base64');
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 64);
    assert.equal(meta.height, 96);
    assert.ok(png.includes(Buffer.from('glimmer')), 'the PNG carries its recipe');
    const denied = await fetch(`${s.origin}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(denied.status, 401);
    const wrong = await fetch(`${s.origin}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body });
    assert.equal(wrong.status, 401);
  });

  test('/v1/images/edits: multipart with image[], the size of the first image by default; bad requests say why', async () => {
    const src = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 30, g: 90, b: 200 } } }).png().toBuffer();
    const form = new FormData();
    form.append('prompt', 'make it night');
    form.append('image[]', new Blob([src], { type: 'image/png' }), 'src.png');
    form.append('num_inference_steps', '2');
    form.append('seed', '3');
    const res = await fetch(`${s.origin}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf(s)}` }, body: form });
    assert.equal(res.status, 200, await res.clone().text());
    const j = (await res.json()) as { data: Array<{ b64_json: string }>; size: string };
    const meta = await sharp(Buffer.from(j.data[0]!.b64_json, 'base64')).metadata();
    assert.deepEqual([meta.width, meta.height], [96, 64]);
    const noPrompt = await fetch(`${s.origin}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf(s)}` }, body: '{"size":"64x64"}' });
    assert.equal(noPrompt.status, 400);
    assert.match(((await noPrompt.json()) as { error: { message: string } }).error.message, /prompt is required/);
    const url = await fetch(`${s.origin}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf(s)}` }, body: '{"prompt":"x","response_format":"url"}' });
    assert.equal(url.status, 400);
    const models = await fetch(`${s.origin}/v1/models`, { headers: { authorization: `Bearer ${tokenOf(s)}` } });
    assert.equal(((await models.json()) as { object: string }).object, 'list');
  });

  test('our own OpenAI-style engine uses a Glimmer box like a vLLM-Omni server', async () => {
    const e = new OpenAiEngine({ id: 'srv-glimmerbox', name: 'glimmer box', url: s.origin, kind: 'openai', key: tokenOf(s) }, { app: 'test' });
    const t = await e.test();
    assert.equal(t.ok, true, t.message);
    const images: RemoteImage[] = [];
    await e.run({ request: GenerateRequest.parse({ mode: 'text', prompt: 'a kite', width: 64, height: 64, steps: 2, seed: 9 }) }, { onImage: (img) => void images.push(img) });
    assert.equal(images[0]!.pixels.width, 64);
    assert.equal(images[0]!.recipe.seed, 9);
  });
});

describe('serve beyond loopback', () => {
  test('--host beyond loopback needs --allow-remote', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), 'serve', '--host', '0.0.0.0', '--port', '0'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, GLIMMER_DATA_DIR: path.join(os.tmpdir(), 'glimmer-never-made') } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--host 0\.0\.0\.0 lets other machines reach this studio: add --allow-remote/);
  });

  test('with --allow-remote it warns, answers other Host names only with the token, and never without it', async () => {
    const s = await startServe({}, ['--host', '0.0.0.0', '--allow-remote']);
    try {
      assert.match(s.output(), /warning: listening on 0\.0\.0\.0, not loopback/);
      assert.match(s.output(), /without --tls-cert\/--tls-key the token and the images travel unencrypted/);
      const port = new URL(s.openUrl).port;
      // a studio on another machine names this one however its network does
      // (fetch does not let a caller set Host: node:http does)
      const ping = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, path: '/api/call/system.ping', method: 'POST', headers: { 'content-type': 'application/json', host: `gpu-box.example:${port}`, ...headers } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end('{}');
        });
      assert.equal(await ping({ authorization: `Bearer ${tokenOf(s)}` }), 200);
      assert.equal(await ping({}), 403, 'no token: the unknown Host is refused');
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/call/system.ping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 401);
    } finally {
      await s.stop();
    }
  });

  test('HTTPS with --tls-cert/--tls-key: a client that trusts the certificate gets images', async (t) => {
    const cert = testCertificate();
    if (!canRun(t, typeof cert === 'string' ? cert : null) || typeof cert === 'string') return;
    const s = await startServe({}, ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile]);
    try {
      assert.match(s.openUrl, /^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const untrusting = await new OpenAiEngine({ id: 'srv-tlsbox01', name: 'tls box', url: s.origin, kind: 'openai', key: tokenOf(s) }, { app: 'test' }).test();
      assert.equal(untrusting.ok, false);
      assert.match(untrusting.message, /secure connection failed/);
      const trusting = await new OpenAiEngine({ id: 'srv-tlsbox01', name: 'tls box', url: s.origin, kind: 'openai', key: tokenOf(s), ca: cert.cert }, { app: 'test' }).test();
      assert.equal(trusting.ok, true, trusting.message);
    } finally {
      await s.stop();
    }
  });
});
