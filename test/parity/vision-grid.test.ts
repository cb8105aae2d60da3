/**
 * The golden reference image gives a grid equal to the position table, so the bilinear resampling of
 * the table is the identity there. This test takes a non-square grid (an image whose ViT input is
 * 40x24 patches) and checks the compiled vision.onnx against an independent float64 computation of
 * the reference model written here (grid_sample bilinear, align_corners=False, border padding; pre-LN
 * blocks; exact GELU; cosine-nearest codebook entry).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SafetensorsCheckpoint, readConfig } from '../../native-models/safetensors';
import { buildVision } from '../../native-models/vision';
import { patchifyReference, readImageProcessorConfig } from '../../main/engine/image';
import { VisionTokenizer } from '../../main/engine/vision';
import { checkpointDir } from '../helpers/fixtures';
import { assertClose, assertIdsEqual } from '../helpers/golden';

const arDir = (): string => path.join(checkpointDir(), 'vision_language_encoder');

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is too coarse; use a series / continued fraction split for float64 accuracy
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = t;
    let term = t;
    for (let n = 1; n < 60; n++) {
      term *= (-t * t) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}

type Mat = Float64Array;

function matmulT(x: Mat, n: number, inF: number, w: Float32Array, outF: number, b?: Float32Array): Mat {
  const y = new Float64Array(n * outF);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o]! : 0;
      for (let k = 0; k < inF; k++) s += x[i * inF + k]! * w[o * inF + k]!;
      y[i * outF + o] = s;
    }
  }
  return y;
}

function layerNorm(x: Mat, n: number, d: number, w: Float32Array, b: Float32Array, eps: number): Mat {
  const y = new Float64Array(x.length);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let k = 0; k < d; k++) m += x[i * d + k]!;
    m /= d;
    let v = 0;
    for (let k = 0; k < d; k++) v += (x[i * d + k]! - m) ** 2;
    v /= d;
    const r = 1 / Math.sqrt(v + eps);
    for (let k = 0; k < d; k++) y[i * d + k] = (x[i * d + k]! - m) * r * w[k]! + b[k]!;
  }
  return y;
}

interface VisionCfg {
  vision_config: { depth: number; hidden_size: number; num_heads: number; intermediate_size: number; layer_norm_eps: number; image_size: number; patch_size: number };
  vq_config: { embed_dim: number; num_embeddings: number };
}

async function referenceVit(pixels: Float32Array, gh: number, gw: number): Promise<{ features: Float64Array; ids: number[] }> {
  const cfg = readConfig<VisionCfg>(arDir());
  const v = cfg.vision_config;
  const D = v.hidden_size;
  const N = gh * gw;
  const ck = await SafetensorsCheckpoint.open(arDir());
  const w = async (n: string): Promise<Float32Array> => ck.readFloat32(`model.${n}`);
  try {
    const patchDim = pixels.length / N;
    let x = matmulT(Float64Array.from(pixels), N, patchDim, await w('visual.patch_embed.proj.weight'), D, await w('visual.patch_embed.proj.bias'));
    const table = await w('visual.embeddings.position_embedding.weight');
    const S = v.image_size / v.patch_size;
    const at = (r: number, c: number, d: number): number => table[(r * S + c) * D + d]!;
    for (let r = 0; r < gh; r++) {
      for (let c = 0; c < gw; c++) {
        const gx = ((c + 0.5) / gw) * 2 - 1;
        const gy = ((r + 0.5) / gh) * 2 - 1;
        const ix = Math.min(Math.max(((gx + 1) * S - 1) / 2, 0), S - 1);
        const iy = Math.min(Math.max(((gy + 1) * S - 1) / 2, 0), S - 1);
        const x0 = Math.floor(ix);
        const y0 = Math.floor(iy);
        const x1 = Math.min(x0 + 1, S - 1);
        const y1 = Math.min(y0 + 1, S - 1);
        const fx = ix - x0;
        const fy = iy - y0;
        for (let d = 0; d < D; d++) {
          x[(r * gw + c) * D + d] +=
            at(y0, x0, d) * (1 - fx) * (1 - fy) + at(y0, x1, d) * fx * (1 - fy) + at(y1, x0, d) * (1 - fx) * fy + at(y1, x1, d) * fx * fy;
        }
      }
    }
    const H = v.num_heads;
    const hd = D / H;
    for (let l = 0; l < v.depth; l++) {
      const p = `visual.blocks.${l}`;
      const h = layerNorm(x, N, D, await w(`${p}.norm1.weight`), await w(`${p}.norm1.bias`), v.layer_norm_eps);
      const qkv = matmulT(h, N, D, await w(`${p}.attn.qkv.weight`), 3 * D, await w(`${p}.attn.qkv.bias`));
      const att = new Float64Array(N * D);
      const s = new Float64Array(N);
      for (let head = 0; head < H; head++) {
        for (let i = 0; i < N; i++) {
          let mx = -Infinity;
          for (let j = 0; j < N; j++) {
            let dot = 0;
            for (let k = 0; k < hd; k++) dot += qkv[i * 3 * D + head * hd + k]! * qkv[j * 3 * D + D + head * hd + k]!;
            s[j] = dot / Math.sqrt(hd);
            mx = Math.max(mx, s[j]!);
          }
          let z = 0;
          for (let j = 0; j < N; j++) z += s[j] = Math.exp(s[j]! - mx);
          for (let k = 0; k < hd; k++) {
            let acc = 0;
            for (let j = 0; j < N; j++) acc += s[j]! * qkv[j * 3 * D + 2 * D + head * hd + k]!;
            att[i * D + head * hd + k] = acc / z;
          }
        }
      }
      const proj = matmulT(att, N, D, await w(`${p}.attn.proj.weight`), D, await w(`${p}.attn.proj.bias`));
      x = x.map((val, i) => val + proj[i]!);
      const h2 = layerNorm(x, N, D, await w(`${p}.norm2.weight`), await w(`${p}.norm2.bias`), v.layer_norm_eps);
      const f1 = matmulT(h2, N, D, await w(`${p}.mlp.fc1.weight`), v.intermediate_size, await w(`${p}.mlp.fc1.bias`)).map(
        (t) => 0.5 * t * (1 + erf(t / Math.SQRT2)),
      );
      const f2 = matmulT(f1, N, v.intermediate_size, await w(`${p}.mlp.fc2.weight`), D, await w(`${p}.mlp.fc2.bias`));
      x = x.map((val, i) => val + f2[i]!);
    }
    const E = cfg.vq_config.embed_dim;
    const K = cfg.vq_config.num_embeddings;
    const z = matmulT(x, N, D, await w('vqmodel.quant_conv.weight'), E, await w('vqmodel.quant_conv.bias'));
    const cb = await w('vqmodel.quantize.embedding.weight');
    const ids: number[] = [];
    for (let i = 0; i < N; i++) {
      let best = -Infinity;
      let arg = 0;
      const zn = Math.hypot(...z.subarray(i * E, (i + 1) * E));
      for (let k = 0; k < K; k++) {
        let dot = 0;
        let en = 0;
        for (let e = 0; e < E; e++) {
          dot += z[i * E + e]! * cb[k * E + e]!;
          en += cb[k * E + e]! ** 2;
        }
        const cos = dot / (zn * Math.sqrt(en));
        if (cos > best) {
          best = cos;
          arg = k;
        }
      }
      ids.push(arg);
    }
    return { features: x, ids };
  } finally {
    await ck.close();
  }
}

let dir = '';
let tokenizer: VisionTokenizer;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-vision-grid-'));
  tokenizer = await VisionTokenizer.load((await buildVision(arDir(), dir)).modelFile);
});
after(async () => {
  await tokenizer?.release();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('non-square grid (position table resampled bilinearly): features and ids vs an independent float64 ViT', async () => {
  const W = 1280;
  const H = 768;
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) data.set([(x * 37 + y * 11) % 256, Math.floor(128 + 100 * Math.sin(x / 50 + y / 30)), (x ^ y) & 255], (y * W + x) * 3);
  }
  const patches = patchifyReference({ data, width: W, height: H, channels: 3 }, readImageProcessorConfig(path.join(checkpointDir(), 'processor')));
  const [, gh, gw] = patches.grid;
  assert.ok(gh !== gw, `grid ${gh}x${gw} should be non-square for this test`);
  const ours = await tokenizer.run(patches);
  const ref = await referenceVit(patches.pixelValues, gh, gw);
  const r = assertClose(ours.features, ref.features, { label: 'features (non-square grid)' });
  console.log(`grid ${gh}x${gw}: features max abs err ${r.maxAbsErr} (tol ${r.tol})`);
  assertIdsEqual(ours.ids, ref.ids, 'VQ ids (non-square grid)');
});
