/**
 * VAE decoder parity through the real path (vae/ → native-models/vae → vae_decoder.onnx →
 * onnxruntime-node CPU): vae.decode.out from vae.decode.in for every case; image.float (and the
 * *_out.png) from vae.decode.out with the pipeline's post-processing; the full decode from the
 * DiT-space latents (normalised back from vae.decode.in) to image.float.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVae, readVaeConfig } from '../../native-models/vae';
import { decodeImageFile, pixelsFromVaeOutput } from '../../main/engine/image';
import { normalizeLatents, Vae, vaeRuntimeConfig, type LatentShape } from '../../main/engine/vae';
import { checkpointDir, goldenDir, listCases, readCaseMeta } from '../helpers/fixtures';
import { assertClose, goldenTensor, loadGolden } from '../helpers/golden';

const IMAGE_TOL = 2 / 255;
const cases = listCases().filter((c) => 'vae.decode.in' in ((readCaseMeta(c).tensors ?? {}) as Record<string, unknown>));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('VAE decoder parity', { skip: cases.length === 0 ? 'no golden case records a VAE decode' : false }, () => {
  let dir = '';
  let vae: Vae;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-vae-dec-'));
    const vaeDir = path.join(checkpointDir(), 'vae');
    const desc = await buildVae(vaeDir, dir, { parts: ['decoder'] });
    vae = await Vae.load({ decoder: desc.decoder!.modelFile }, vaeRuntimeConfig(readVaeConfig(vaeDir)));
  });
  after(async () => {
    await vae?.release();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const name of cases) {
    describe(name, () => {
      test('vae.decode.out from vae.decode.in', async () => {
        const g = await loadGolden(name);
        const zin = goldenTensor(g, 'vae.decode.in');
        const ref = goldenTensor(g, 'vae.decode.out');
        const out = await vae.decodeRaw(zin.data as Float32Array, zin.shape);
        assert.deepEqual(out.dims, ref.shape);
        const r = assertClose(out.data, ref.data as Float32Array, { label: 'vae.decode.out' });
        console.log(`${name} vae.decode.out max abs err ${r.maxAbsErr} (tol ${r.tol})`);
      });

      test('image.float and the output PNG from vae.decode.out (post-processing)', async () => {
        const g = await loadGolden(name);
        const dec = goldenTensor(g, 'vae.decode.out');
        const [, , H, W] = dec.shape as [number, number, number, number];
        const px = pixelsFromVaeOutput(dec.data as Float32Array, W, H);
        const ref = goldenTensor(g, 'image.float');
        assert.deepEqual(ref.shape, [H, W, 3]);
        const err = maxAbsDiff(px.float, ref.data as Float32Array);
        console.log(`${name} image.float (post-processing only) max abs err ${err}`);
        assert.ok(err <= 1e-6, `image.float max abs err ${err}`);
        const png = path.join(goldenDir(), `${name}_out.png`);
        if (existsSync(png)) {
          const img = await decodeImageFile(png);
          let diff = 0;
          for (let i = 0; i < img.data.length; i++) diff = Math.max(diff, Math.abs(img.data[i]! - px.rgb[i]!));
          assert.ok(diff <= 0, `uint8 pixels differ from ${name}_out.png by up to ${diff}`);
        }
      });

      test('full decode: DiT latents → pixels within 2/255 of image.float', async () => {
        const g = await loadGolden(name);
        const zin = goldenTensor(g, 'vae.decode.in');
        const shape = zin.shape as LatentShape;
        const zModel = normalizeLatents(zin.data as Float32Array, shape, vae.config);
        const px = await vae.decode(zModel, shape);
        const err = maxAbsDiff(px.float, goldenTensor(g, 'image.float').data as Float32Array);
        console.log(`${name} image.float (latents → pixels) max abs err ${err} (tol ${IMAGE_TOL})`);
        assert.ok(err <= IMAGE_TOL, `image.float max abs err ${err} > ${IMAGE_TOL}`);
      });
    });
  }

  test('wrong latent shapes are refused before the session runs', async () => {
    const C = vae.config.channels;
    await assert.rejects(vae.decode(new Float32Array(C * 4 * 4), [1, C + 1, 4, 4]), (e: Error & { code?: string }) => e.code === 'bad_request' && /channels/.test(e.message));
    await assert.rejects(vae.decode(new Float32Array(C * 16), [C, 4, 4]), (e: Error & { code?: string }) => e.code === 'bad_request');
    await assert.rejects(vae.decode(new Float32Array(10), [1, C, 4, 4]), (e: Error & { code?: string }) => e.code === 'bad_request' && /values/.test(e.message));
    await assert.rejects(vae.decode(new Float32Array(0), [1, C, 0, 4]), (e: Error & { code?: string }) => e.code === 'bad_request');
  });
});
