/**
 * Tiled VAE decode and encode (main/engine/vae/tiles.ts) through the real fixture VAE graphs: the
 * tiling itself is exact (a graph without spatial context comes back unchanged), and the tiled
 * decode / encode is measured against the whole-image one where both fit.
 *
 * What differs is the VAE's GroupNorm: its statistics are taken over the tile instead of the image
 * (as in diffusers' tiled AutoencoderKL). The fixture VAE (random weights, 4 groups) is a hard case:
 * measured on a 24x40 latent, 24-cell tiles overlapping by 12 move pixels by 3.97/255 on average
 * (96/255 at worst); 16-cell tiles 15.7/255 (211 worst); smaller tiles more. Bounds: the mean within
 * 2x the measurement, to catch a broken blend; real-weight figures are in bench/README.md.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildVae, readVaeConfig } from '../../native-models/vae';
import { rampWeight, runTiled, tileStarts, Vae, vaeRuntimeConfig } from '../../main/engine/vae';
import { checkpointDir } from '../helpers/fixtures';

function det(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

/** A smooth latent with fine detail (what a DiT makes looks more like this than like white noise). */
function latent(C: number, h: number, w: number): Float32Array {
  const noise = det(C * h * w, 7, 0.3);
  return Float32Array.from(noise, (v, i) => {
    const c = Math.floor(i / (h * w));
    const y = Math.floor((i % (h * w)) / w);
    const x = i % w;
    return v + Math.sin(0.3 * x + c) + Math.cos(0.23 * y - c);
  });
}

/** Mean latent difference / max |latent| of the tiled encode: measured 0.019 (4.22e-2 / 2.229); 2x that. */
const ENCODE_MEAN_BOUND = 0.04;

describe('tiles', () => {
  test('tile starts cover the axis with the asked overlap, the last flush with the end', () => {
    assert.deepEqual(tileStarts(10, { tile: 16, overlap: 4 }), [0]);
    assert.deepEqual(tileStarts(64, { tile: 64, overlap: 16 }), [0]);
    assert.deepEqual(tileStarts(128, { tile: 64, overlap: 16 }), [0, 48, 64]);
    assert.deepEqual(tileStarts(160, { tile: 64, overlap: 16 }), [0, 48, 96]);
    assert.throws(() => tileStarts(100, { tile: 8, overlap: 8 }), /not possible/);
    // the ramps of two neighbours add up to 1 across their overlap
    for (let i = 0; i < 8; i++) assert.ok(Math.abs(rampWeight(i, 16, 8, 0) + rampWeight(8 + i, 16, 0, 8) - 1) < 1e-12);
  });

  test('blending is exact: a graph without spatial context comes back unchanged (decode- and encode-sized)', async () => {
    const h = 21;
    const w = 35;
    const x = det(2 * h * w, 3);
    const y = await runTiled(x, h, w, { tile: 8, overlap: 3 }, { inChannels: 2, outChannels: 1, scale: 1, run: async (t) => t.slice(0, t.length / 2).map((v) => 2 * v) }, undefined);
    for (let i = 0; i < h * w; i++) assert.ok(Math.abs(y[i]! - 2 * x[i]!) < 1e-5, `cell ${i}`);
    // upsampling by 2 (nearest): what a decoder-shaped run returns for each tile
    const up = await runTiled(x.subarray(0, h * w), h, w, { tile: 8, overlap: 4 }, {
      inChannels: 1,
      outChannels: 1,
      scale: 2,
      run: async (t, th, tw) => Float32Array.from({ length: 4 * th * tw }, (_, i) => t[Math.floor(Math.floor(i / (2 * tw)) / 2) * tw + Math.floor((i % (2 * tw)) / 2)]!),
    });
    for (let yy = 0; yy < 2 * h; yy++) for (let xx = 0; xx < 2 * w; xx++) assert.ok(Math.abs(up[yy * 2 * w + xx]! - x[Math.floor(yy / 2) * w + Math.floor(xx / 2)]!) < 1e-5);
  });
});

describe('tiled VAE against the whole image (fixture VAE)', () => {
  let dir = '';
  let vae: Vae;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-vae-tiles-'));
    const vaeDir = path.join(checkpointDir(), 'vae');
    const desc = await buildVae(vaeDir, dir);
    vae = await Vae.load({ decoder: desc.decoder!.modelFile, encoder: desc.encoder!.modelFile }, vaeRuntimeConfig(readVaeConfig(vaeDir)));
  });
  after(async () => {
    await vae?.release();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('decode: 24x40 latent in 24-cell tiles overlapping by 12, mean difference within 8/255 of the whole decode', async () => {
    const C = vae.config.channels;
    const [h, w] = [24, 40];
    const z = latent(C, h, w);
    const whole = await vae.decode(z, [1, C, h, w]);
    const tiled = await vae.decode(z, [1, C, h, w], { tile: 24, overlap: 12 });
    assert.equal(tiled.width, whole.width);
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < whole.float.length; i++) {
      const d = Math.abs(tiled.float[i]! - whole.float[i]!);
      worst = Math.max(worst, d);
      sum += d;
    }
    console.log(`  tiled decode vs whole: max ${(worst * 255).toFixed(2)}/255, mean ${((sum / whole.float.length) * 255).toFixed(3)}/255`);
    assert.ok(worst > 0, 'tiles see less context: the result moves somewhat');
    assert.ok(sum / whole.float.length <= 8 / 255, `mean difference ${(sum / whole.float.length) * 255}/255`);
  });

  test('encode: a 192x320 image in 192-pixel tiles overlapping by 96, mean difference within 2x the measured', async () => {
    const [H, W] = [192, 320];
    const data = new Uint8Array(H * W * 3).map((_, i) => Math.round(127 + 100 * Math.sin(i * 0.001) * Math.cos((i % (W * 3)) * 0.01)));
    const image = { data, width: W, height: H, channels: 3 as const };
    const whole = await vae.encodeImage(image, 16);
    const tiled = await vae.encodeImage(image, 16, { tile: 24, overlap: 12 });
    assert.deepEqual(tiled.shape, whole.shape);
    let worst = 0;
    let sum = 0;
    let range = 0;
    for (let i = 0; i < whole.mode.length; i++) {
      const d = Math.abs(tiled.mode[i]! - whole.mode[i]!);
      worst = Math.max(worst, d);
      sum += d;
      range = Math.max(range, Math.abs(whole.mode[i]!));
    }
    const mean = sum / whole.mode.length;
    console.log(`  tiled encode vs whole: mean ${mean.toExponential(2)}, max ${worst.toExponential(2)} (max |latent| ${range.toFixed(3)})`);
    assert.ok(worst > 0);
    assert.ok(mean <= ENCODE_MEAN_BOUND * range, `mean difference ${mean} > ${ENCODE_MEAN_BOUND} x ${range}`);
  });
});
