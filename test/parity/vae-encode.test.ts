/**
 * VAE encoder parity through the real path (vae/ → native-models/vae → vae_encoder.onnx →
 * onnxruntime-node CPU): vae.encode.mode from vae.encode.in, and from the reference PNG through our
 * decoder + the pipeline's VAE preprocessing (floor to vae_factor * DiT patch, Lanczos, [-1, 1]).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readConfig } from '../../native-models/safetensors';
import { buildVae, readVaeConfig } from '../../native-models/vae';
import { decodeImageFile, vaeInputFromImage } from '../../main/engine/image';
import { denormalizeLatents, Vae, vaeRuntimeConfig } from '../../main/engine/vae';
import { checkpointDir, goldenDir, listCases, readCaseMeta } from '../helpers/fixtures';
import { assertClose, goldenTensor, loadGolden } from '../helpers/golden';

const cases = listCases().filter((c) => 'vae.encode.mode' in ((readCaseMeta(c).tensors ?? {}) as Record<string, unknown>));

describe('VAE encoder parity', { skip: cases.length === 0 ? 'no golden case records a VAE encode' : false }, () => {
  let dir = '';
  let vae: Vae;
  let multipleOf = 0;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-vae-enc-'));
    const vaeDir = path.join(checkpointDir(), 'vae');
    const desc = await buildVae(vaeDir, dir, { parts: ['encoder'] });
    const cfg = readVaeConfig(vaeDir);
    vae = await Vae.load({ encoder: desc.encoder!.modelFile }, vaeRuntimeConfig(cfg));
    multipleOf = cfg.scaleFactor * readConfig<{ patch_size: number }>(path.join(checkpointDir(), 'transformer')).patch_size;
  });
  after(async () => {
    await vae?.release();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const name of cases) {
    describe(name, () => {
      test('vae.encode.mode from vae.encode.in', async () => {
        const g = await loadGolden(name);
        const x = goldenTensor(g, 'vae.encode.in');
        const ref = goldenTensor(g, 'vae.encode.mode');
        const out = await vae.encodeRaw(x.data as Float32Array, x.shape);
        assert.deepEqual(out.dims, ref.shape);
        const r = assertClose(out.data, ref.data as Float32Array, { label: 'vae.encode.mode' });
        console.log(`${name} vae.encode.mode max abs err ${r.maxAbsErr} (tol ${r.tol})`);
      });

      test('reference PNG → vae.encode.in and vae.encode.mode; normalised latents round-trip', async () => {
        const g = await loadGolden(name);
        const png = path.join(goldenDir(), `${name}_ref.png`);
        assert.ok(existsSync(png), `reference image ${png} is missing`);
        const image = await decodeImageFile(png);
        const x = goldenTensor(g, 'vae.encode.in');
        const input = vaeInputFromImage(image, multipleOf);
        assert.deepEqual([1, 3, input.height, input.width], x.shape);
        assertClose(input.data, x.data as Float32Array, { label: 'vae.encode.in' });
        const enc = await vae.encodeImage(image, multipleOf);
        const r = assertClose(enc.mode, goldenTensor(g, 'vae.encode.mode').data as Float32Array, { label: 'vae.encode.mode (from PNG)' });
        console.log(`${name} vae.encode.mode from PNG max abs err ${r.maxAbsErr}`);
        // the normalised latents are (mode - mean) / std: undoing it gives the mode back
        assertClose(denormalizeLatents(enc.latents, enc.shape, vae.config), enc.mode, { label: 'normalise round trip' });
      });
    });
  }

  test('bad encoder inputs are refused before the session runs', async () => {
    await assert.rejects(vae.encodeRaw(new Float32Array(3 * 12 * 16), [1, 3, 12, 16]), (e: Error & { code?: string }) => e.code === 'bad_request' && /multiple/.test(e.message));
    await assert.rejects(vae.encodeRaw(new Float32Array(4 * 16 * 16), [1, 4, 16, 16]), (e: Error & { code?: string }) => e.code === 'bad_request');
    const tiny = { data: new Uint8Array(8 * 8 * 3), width: 8, height: 8, channels: 3 };
    await assert.rejects(vae.encodeImage(tiny, multipleOf), (e: Error & { code?: string }) => e.code === 'bad_image');
  });
});
