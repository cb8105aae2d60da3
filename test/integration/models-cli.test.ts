/** `glimmer models ...` as a user runs it (node bin/glimmer.mjs), against a local hub on 127.0.0.1. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validateCheckpoint } from '../../main/models';
import { FakeHub } from '../helpers/fake-hub';
import { writableCopy } from '../helpers/writable-copy';
import { checkpointDir, repoRoot } from '../helpers/fixtures';

let tmp: string;
let env: NodeJS.ProcessEnv;

/** Async on purpose: the hub answers from this process while the CLI runs. */
function glimmer(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, 'bin', 'glimmer.mjs'), ...args], { cwd: repoRoot, env, timeout: 120_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'glimmer-models-cli-'));
  env = {
    ...process.env,
    GLIMMER_DATA_DIR: path.join(tmp, 'data'),
    GLIMMER_MODELS_DIR: path.join(tmp, 'models'),
    HF_HUB_CACHE: path.join(tmp, 'hf-cache'),
    HF_ENDPOINT: 'http://127.0.0.1:9',
    HF_TOKEN: '',
  };
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('glimmer models', () => {
  test('download from a hub, then validate and list it', async () => {
    const hub = await new FakeHub({ root: checkpointDir(), repo: 'zai-org/GLM-Image' }).start();
    try {
      const r = await glimmer('models', 'download', '--endpoint', hub.hubUrl);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Downloaded zai-org\/GLM-Image@/);
      assert.match(r.stderr, /vision_language_encoder\/model\.safetensors/);
      const dest = path.join(tmp, 'models', 'checkpoints', 'zai-org--GLM-Image');
      assert.ok((await validateCheckpoint(dest)).ok);

      const v = await glimmer('models', 'validate', '--path', dest);
      assert.equal(v.status, 0, v.stderr);
      assert.match(v.stdout, /complete/);

      const l = await glimmer('models', 'list');
      assert.equal(l.status, 0, l.stderr);
      assert.match(l.stdout, /^ready\s+checkpoint/m);
      assert.ok(l.stdout.includes(dest));
    } finally {
      await hub.close();
    }
  });

  test('validate names what is missing and exits 1; import refuses it; bad usage exits 2', async () => {
    const broken = path.join(tmp, 'broken');
    await writableCopy(checkpointDir(), broken);
    await unlink(path.join(broken, 'vae', 'diffusion_pytorch_model.safetensors'));
    const v = await glimmer('models', 'validate', '--path', broken);
    assert.equal(v.status, 1);
    assert.match(v.stdout, /vae\/.*missing|missing.*vae\//);
    const i = await glimmer('models', 'import', '--path', broken);
    assert.equal(i.status, 1);
    assert.match(i.stderr, /not a complete GLM-Image checkpoint/);
    const ok = await glimmer('models', 'import', '--path', checkpointDir(), '--name', 'tiny');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /used in place/);
    const id = /id: (ref:\S+)/.exec((await glimmer('models', 'list')).stdout)?.[1];
    assert.ok(id, 'the list shows the reference id');
    const rm = await glimmer('models', 'remove', '--id', id!);
    assert.equal(rm.status, 0, rm.stderr);
    assert.match(rm.stdout, /untouched/);
    assert.equal((await glimmer('models', 'frobnicate')).status, 2);
    assert.equal((await glimmer('models', 'validate')).status, 2);
  });
});
