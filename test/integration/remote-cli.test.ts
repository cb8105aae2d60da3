/**
 * `glimmer servers ...` and `glimmer generate --engine URL` as a user runs them (node bin/glimmer.mjs),
 * against a fake OpenAI-style image server on loopback (the GPU server is what is fake).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { png } from '../../main/library';
import { closedPort, type FakeOpenAiServer, startFakeOpenAiServer } from '../helpers/fake-openai-server';
import { repoRoot } from '../helpers/fixtures';

const KEY = 'sk-cli-secret-0123456789';
let tmp: string;
let fake: FakeOpenAiServer;

/** Async on purpose: the fake server answers from this process while the CLI runs. */
function glimmer(env: Record<string, string>, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'bin', 'glimmer.mjs'), ...args],
      { cwd: repoRoot, env: { ...process.env, GLIMMER_DATA_DIR: path.join(tmp, 'data'), GLIMMER_ENGINE_KEY: '', ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const status = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-remote-cli-'));
  fake = await startFakeOpenAiServer({ key: KEY });
});
after(async () => {
  await fake.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('glimmer servers', () => {
  test('add (kind asked of the server, key from a file), list without the key, test, remove', async () => {
    const keyFile = path.join(tmp, 'key.txt');
    writeFileSync(keyFile, `${KEY}\n`);
    const add = await glimmer({}, 'servers', 'add', '--name', 'gpu box', '--url', `${fake.url}/v1`, '--key-file', keyFile, '--pool', 'gpus');
    assert.equal(add.status, 0, add.stderr);
    assert.match(add.stdout, /Added gpu box: an OpenAI-style image server at .*, pool gpus, with a key\./);
    assert.match(add.stdout, /ok {3}gpu box: vLLM-Omni answers, serving zai-org\/GLM-Image\./);
    const file = path.join(tmp, 'data', 'servers.json');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'servers.json is readable by its owner only');
    const list = await glimmer({}, 'servers', 'list');
    assert.match(list.stdout, /gpu box\n {2}OpenAI-style image server {2}http:\/\/127\.0\.0\.1:\d+\/v1 {2}pool gpus {2}key set {2}0 job\(s\) done/);
    assert.ok(!list.stdout.includes(KEY) && !list.stderr.includes(KEY), 'the key is never printed');
    const dup = await glimmer({}, 'servers', 'add', '--name', 'GPU BOX', '--url', fake.url, '--kind', 'openai');
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /already a server named "GPU BOX"/);
    const t = await glimmer({}, 'servers', 'test', '--name', 'gpu box');
    assert.equal(t.status, 0, t.stdout + t.stderr);
    const noKey = await glimmer({}, 'servers', 'test', '--url', fake.url, '--kind', 'openai');
    assert.equal(noKey.status, 1);
    assert.match(noKey.stdout, /FAIL .*refused the key \(401\)/);
    const rm = await glimmer({}, 'servers', 'remove', '--name', 'gpu box');
    assert.equal(rm.status, 0);
    assert.match((await glimmer({}, 'servers', 'list')).stdout, /No servers/);
    assert.ok(!readFileSync(file, 'utf8').includes(KEY), 'the removed server\'s key is gone from the file');
  });
});

describe('glimmer generate --engine', () => {
  test('one job on a server: the PNG of the size asked, its recipe naming the server and what it could not take', async () => {
    const out = path.join(tmp, 'remote.png');
    const r = await glimmer({ GLIMMER_ENGINE_KEY: KEY }, 'generate', '--engine', fake.url, '--prompt', 'a "neon" sign', '--size', '512x576', '--steps', '4', '--seed', '21', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /engine: 127\.0\.0\.1:\d+ \(OpenAI-style image server\)/);
    assert.match(r.stdout, /seed 21, 512x576, 4 steps, model zai-org\/GLM-Image on 127\.0\.0\.1:\d+; it could not take: arSeed, progress/);
    const bytes = readFileSync(out);
    const meta = await sharp(bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [512, 576]);
    const recipe = png.readPngMetadata(bytes).recipe as unknown as { seed: number; remote: { kind: string; notTaken: string[] } };
    assert.equal(recipe.seed, 21);
    assert.equal(recipe.remote.kind, 'openai');
    const last = fake.imageRequests().at(-1)!;
    assert.equal(last.headers.authorization, `Bearer ${KEY}`);
    assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY));
  });

  test('a server that is not there, or a masked edit it cannot do, is a clear error', async () => {
    const port = await closedPort();
    const down = await glimmer({}, 'generate', '--engine', `http://127.0.0.1:${port}`, '--engine-kind', 'openai', '--prompt', 'x', '--size', '512x512', '--out', path.join(tmp, 'x.png'));
    assert.equal(down.status, 1);
    assert.match(down.stderr, /refused the connection at 127\.0\.0\.1:\d+: nothing is listening there/);
    const img = path.join(tmp, 'src.png');
    writeFileSync(img, await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } }).png().toBuffer());
    const masked = await glimmer({ GLIMMER_ENGINE_KEY: KEY }, 'generate', '--engine', fake.url, '--prompt', 'x', '--image', img, '--mask', img, '--size', '512x512', '--out', path.join(tmp, 'y.png'));
    assert.equal(masked.status, 2);
    assert.match(masked.stderr, /cannot do masked edits\. Run this job on This computer or on a Glimmer server/);
    const both = await glimmer({}, 'generate', '--engine', fake.url, '--model', tmp, '--prompt', 'x', '--out', path.join(tmp, 'z.png'));
    assert.equal(both.status, 2);
  });
});
