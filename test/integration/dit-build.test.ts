/** buildDit's output (files, manifest, graph interface) and its refusals. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isCodedError } from '../../main/contract';
import { buildDit, ditInputSpecs, ditOutputSpecs, loadDitConfig } from '../../native-models/dit';
import { createSession } from '../../main/engine/session';
import { checkpointDir } from '../helpers/fixtures';

const component = path.join(checkpointDir(), 'transformer');

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'glimmer-dit-build-'));
}

describe('buildDit', () => {
  test('writes the graph, its weights and a manifest that match the session interface', async () => {
    const dir = tempDir();
    try {
      const desc = await buildDit(component, dir, { precision: 'fp16' });
      assert.equal(desc.model, 'dit-fp16.onnx');
      for (const f of [desc.model, desc.data, desc.manifest]) assert.ok(existsSync(path.join(dir, f)), f);
      assert.deepEqual(JSON.parse(readFileSync(path.join(dir, desc.manifest), 'utf8')), JSON.parse(JSON.stringify(desc)));
      assert.deepEqual(desc.config, loadDitConfig(component));
      const session = await createSession(path.join(dir, desc.model));
      try {
        assert.deepEqual([...session.inputNames].sort(), ditInputSpecs(desc.config).map((s) => s.name).sort());
        assert.deepEqual([...session.outputNames].sort(), ditOutputSpecs(desc.config).map((s) => s.name).sort());
      } finally {
        await session.release();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a config that does not match the weights is refused, naming the tensor', async () => {
    const src = tempDir();
    const out = tempDir();
    try {
      const cfg = JSON.parse(readFileSync(path.join(component, 'config.json'), 'utf8')) as Record<string, number>;
      cfg.attention_head_dim *= 2;
      writeFileSync(path.join(src, 'config.json'), JSON.stringify(cfg));
      copyFileSync(path.join(component, 'diffusion_pytorch_model.safetensors'), path.join(src, 'diffusion_pytorch_model.safetensors'));
      await assert.rejects(buildDit(src, out), (e: unknown) => {
        assert.ok(isCodedError(e));
        assert.equal(e.code, 'model_corrupt');
        assert.match(e.message, /has shape \[.*\] but transformer\/config.json implies/);
        return true;
      });
      assert.deepEqual(readdirSync(out), [], 'no partial model or spill file left behind');
    } finally {
      rmSync(src, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('missing config values and unknown precisions are refused', async () => {
    const src = tempDir();
    try {
      writeFileSync(path.join(src, 'config.json'), JSON.stringify({ patch_size: 2 }));
      await assert.rejects(buildDit(src, src), (e: unknown) => isCodedError(e) && e.code === 'model_corrupt' && /in_channels/.test(e.message));
      await assert.rejects(
        buildDit(component, src, { precision: 'bf16' as never }),
        (e: unknown) => isCodedError(e) && e.code === 'bad_request' && /fp32, fp16, int8, int4/.test(e.message),
      );
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
  });
});
