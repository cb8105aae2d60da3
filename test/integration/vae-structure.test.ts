/**
 * The VAE graphs on configurations the fixture does not have: a synthetic AutoencoderKL checkpoint
 * (random weights, written with our safetensors writer) with mid-block attention, quant_conv and
 * post_quant_conv, built by native-models/vae and run on onnxruntime-node, against an independent
 * float64 implementation of diffusers' Encoder/Decoder written here. Also config/weight mismatches.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeSafetensors, type TensorToWrite } from '../../native-models/safetensors';
import { buildVae } from '../../native-models/vae';
import { ort } from '../../main/engine/session';
import { assertClose } from '../helpers/golden';

const CFG = {
  _class_name: 'AutoencoderKL',
  in_channels: 3,
  out_channels: 3,
  latent_channels: 4,
  block_out_channels: [8, 16],
  layers_per_block: 1,
  norm_num_groups: 4,
  act_fn: 'silu',
  down_block_types: ['DownEncoderBlock2D', 'DownEncoderBlock2D'],
  up_block_types: ['UpDecoderBlock2D', 'UpDecoderBlock2D'],
  mid_block_add_attention: true,
  use_quant_conv: true,
  use_post_quant_conv: true,
};

// ---------- random weights with the diffusers names ----------
const W = new Map<string, { shape: number[]; data: Float32Array }>();
let seed = 12345;
function rnd(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32 - 0.5;
}
function add(name: string, shape: number[], scale = 0.4, offset = 0): void {
  const n = shape.reduce((a, b) => a * b, 1);
  W.set(name, { shape, data: Float32Array.from({ length: n }, () => offset + scale * rnd()) });
}
function conv(name: string, o: number, i: number, k: number): void {
  add(`${name}.weight`, [o, i, k, k], 1.2 / Math.sqrt(i * k * k));
  add(`${name}.bias`, [o], 0.2);
}
function norm(name: string, c: number): void {
  add(`${name}.weight`, [c], 0.4, 1);
  add(`${name}.bias`, [c], 0.2);
}
function resnet(name: string, i: number, o: number): void {
  norm(`${name}.norm1`, i);
  conv(`${name}.conv1`, o, i, 3);
  norm(`${name}.norm2`, o);
  conv(`${name}.conv2`, o, o, 3);
  if (i !== o) conv(`${name}.conv_shortcut`, o, i, 1);
}
function mid(prefix: string, c: number): void {
  resnet(`${prefix}.mid_block.resnets.0`, c, c);
  norm(`${prefix}.mid_block.attentions.0.group_norm`, c);
  for (const p of ['to_q', 'to_k', 'to_v', 'to_out.0']) {
    add(`${prefix}.mid_block.attentions.0.${p}.weight`, [c, c], 1.5 / Math.sqrt(c));
    add(`${prefix}.mid_block.attentions.0.${p}.bias`, [c], 0.2);
  }
  resnet(`${prefix}.mid_block.resnets.1`, c, c);
}
const L = CFG.latent_channels;
const [C0, C1] = CFG.block_out_channels as [number, number];
conv('encoder.conv_in', C0, 3, 3);
resnet('encoder.down_blocks.0.resnets.0', C0, C0);
conv('encoder.down_blocks.0.downsamplers.0.conv', C0, C0, 3);
resnet('encoder.down_blocks.1.resnets.0', C0, C1);
mid('encoder', C1);
norm('encoder.conv_norm_out', C1);
conv('encoder.conv_out', 2 * L, C1, 3);
conv('quant_conv', 2 * L, 2 * L, 1);
conv('post_quant_conv', L, L, 1);
conv('decoder.conv_in', C1, L, 3);
mid('decoder', C1);
resnet('decoder.up_blocks.0.resnets.0', C1, C1);
resnet('decoder.up_blocks.0.resnets.1', C1, C1);
conv('decoder.up_blocks.0.upsamplers.0.conv', C1, C1, 3);
resnet('decoder.up_blocks.1.resnets.0', C1, C0);
resnet('decoder.up_blocks.1.resnets.1', C0, C0);
norm('decoder.conv_norm_out', C0);
conv('decoder.conv_out', 3, C0, 3);

// ---------- float64 reference (batch 1, [C][H][W]) ----------
interface T {
  c: number;
  h: number;
  w: number;
  d: Float64Array;
}
const w32 = (n: string): Float32Array => W.get(n)!.data;
function conv2d(x: T, name: string, stride = 1, pads = [1, 1, 1, 1]): T {
  const { shape } = W.get(`${name}.weight`)!;
  const [O, I, K] = shape as [number, number, number];
  const wt = w32(`${name}.weight`);
  const b = w32(`${name}.bias`);
  const [pt, pl, pb, pr] = pads as [number, number, number, number];
  const h = Math.floor((x.h + pt + pb - K) / stride) + 1;
  const w = Math.floor((x.w + pl + pr - K) / stride) + 1;
  const d = new Float64Array(O * h * w);
  for (let o = 0; o < O; o++) {
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        let s = b[o]!;
        for (let i = 0; i < I; i++) {
          for (let ky = 0; ky < K; ky++) {
            const iy = y * stride + ky - pt;
            if (iy < 0 || iy >= x.h) continue;
            for (let kx = 0; kx < K; kx++) {
              const ix = xx * stride + kx - pl;
              if (ix < 0 || ix >= x.w) continue;
              s += wt[((o * I + i) * K + ky) * K + kx]! * x.d[(i * x.h + iy) * x.w + ix]!;
            }
          }
        }
        d[(o * h + y) * w + xx] = s;
      }
    }
  }
  return { c: O, h, w, d };
}
function groupNorm(x: T, name: string, G = CFG.norm_num_groups): T {
  const per = (x.c / G) * x.h * x.w;
  const d = new Float64Array(x.d.length);
  const g = w32(`${name}.weight`);
  const b = w32(`${name}.bias`);
  for (let k = 0; k < G; k++) {
    let m = 0;
    for (let i = 0; i < per; i++) m += x.d[k * per + i]!;
    m /= per;
    let v = 0;
    for (let i = 0; i < per; i++) v += (x.d[k * per + i]! - m) ** 2;
    v /= per;
    for (let i = 0; i < per; i++) {
      const ch = Math.floor((k * per + i) / (x.h * x.w));
      d[k * per + i] = ((x.d[k * per + i]! - m) / Math.sqrt(v + 1e-6)) * g[ch]! + b[ch]!;
    }
  }
  return { ...x, d };
}
const silu = (x: T): T => ({ ...x, d: x.d.map((v) => v / (1 + Math.exp(-v))) });
const plus = (a: T, b: T): T => ({ ...a, d: a.d.map((v, i) => v + b.d[i]!) });
function res(x: T, n: string): T {
  let h = conv2d(silu(groupNorm(x, `${n}.norm1`)), `${n}.conv1`);
  h = conv2d(silu(groupNorm(h, `${n}.norm2`)), `${n}.conv2`);
  return plus(W.has(`${n}.conv_shortcut.weight`) ? conv2d(x, `${n}.conv_shortcut`, 1, [0, 0, 0, 0]) : x, h);
}
function lin(x: Float64Array, n: number, c: number, name: string): Float64Array {
  const wt = w32(`${name}.weight`);
  const b = w32(`${name}.bias`);
  const y = new Float64Array(n * c);
  for (let i = 0; i < n; i++) for (let o = 0; o < c; o++) {
    let s = b[o]!;
    for (let k = 0; k < c; k++) s += x[i * c + k]! * wt[o * c + k]!;
    y[i * c + o] = s;
  }
  return y;
}
function attn(x: T, n: string): T {
  const hw = x.h * x.w;
  const g = groupNorm(x, `${n}.group_norm`);
  const seq = new Float64Array(hw * x.c);
  for (let c = 0; c < x.c; c++) for (let p = 0; p < hw; p++) seq[p * x.c + c] = g.d[c * hw + p]!;
  const q = lin(seq, hw, x.c, `${n}.to_q`);
  const k = lin(seq, hw, x.c, `${n}.to_k`);
  const v = lin(seq, hw, x.c, `${n}.to_v`);
  const o = new Float64Array(hw * x.c);
  for (let i = 0; i < hw; i++) {
    const s = new Float64Array(hw);
    let mx = -Infinity;
    for (let j = 0; j < hw; j++) {
      let dot = 0;
      for (let c = 0; c < x.c; c++) dot += q[i * x.c + c]! * k[j * x.c + c]!;
      s[j] = dot / Math.sqrt(x.c);
      mx = Math.max(mx, s[j]!);
    }
    let z = 0;
    for (let j = 0; j < hw; j++) z += s[j] = Math.exp(s[j]! - mx);
    for (let c = 0; c < x.c; c++) {
      let a = 0;
      for (let j = 0; j < hw; j++) a += s[j]! * v[j * x.c + c]!;
      o[i * x.c + c] = a / z;
    }
  }
  const out = lin(o, hw, x.c, `${n}.to_out.0`);
  const d = new Float64Array(x.d.length);
  for (let c = 0; c < x.c; c++) for (let p = 0; p < hw; p++) d[c * hw + p] = out[p * x.c + c]! + x.d[c * hw + p]!;
  return { ...x, d };
}
function midRef(x: T, p: string): T {
  return res(attn(res(x, `${p}.mid_block.resnets.0`), `${p}.mid_block.attentions.0`), `${p}.mid_block.resnets.1`);
}
function up2(x: T): T {
  const h = x.h * 2;
  const w = x.w * 2;
  const d = new Float64Array(x.c * h * w);
  for (let c = 0; c < x.c; c++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) d[(c * h + y) * w + xx] = x.d[(c * x.h + (y >> 1)) * x.w + (xx >> 1)]!;
  return { c: x.c, h, w, d };
}
function decodeRef(z: T): T {
  let x = conv2d(conv2d(z, 'post_quant_conv', 1, [0, 0, 0, 0]), 'decoder.conv_in');
  x = midRef(x, 'decoder');
  x = res(res(x, 'decoder.up_blocks.0.resnets.0'), 'decoder.up_blocks.0.resnets.1');
  x = conv2d(up2(x), 'decoder.up_blocks.0.upsamplers.0.conv');
  x = res(res(x, 'decoder.up_blocks.1.resnets.0'), 'decoder.up_blocks.1.resnets.1');
  return conv2d(silu(groupNorm(x, 'decoder.conv_norm_out')), 'decoder.conv_out');
}
function encodeRef(img: T): T {
  let x = res(conv2d(img, 'encoder.conv_in'), 'encoder.down_blocks.0.resnets.0');
  x = conv2d(x, 'encoder.down_blocks.0.downsamplers.0.conv', 2, [0, 0, 1, 1]);
  x = midRef(res(x, 'encoder.down_blocks.1.resnets.0'), 'encoder');
  x = conv2d(conv2d(silu(groupNorm(x, 'encoder.conv_norm_out')), 'encoder.conv_out'), 'quant_conv', 1, [0, 0, 0, 0]);
  return { c: L, h: x.h, w: x.w, d: x.d.slice(0, L * x.h * x.w) };
}

let dir = '';
let vaeDir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-vae-struct-'));
  vaeDir = path.join(dir, 'vae');
  await mkdir(vaeDir);
  await writeFile(path.join(vaeDir, 'config.json'), JSON.stringify(CFG));
  const tensors: Record<string, TensorToWrite> = {};
  for (const [n, t] of W) tensors[n] = { dtype: 'F32', shape: t.shape, data: t.data };
  await writeSafetensors(path.join(vaeDir, 'diffusion_pytorch_model.safetensors'), tensors);
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('decoder and encoder with mid attention, quant_conv and post_quant_conv match a float64 reference', async () => {
  const out = path.join(dir, 'out');
  const desc = await buildVae(vaeDir, out);
  const h = 3;
  const w = 5;
  const z: T = { c: L, h, w, d: Float64Array.from({ length: L * h * w }, () => 2 * rnd()) };
  const dec = await ort.InferenceSession.create(desc.decoder!.modelFile);
  const got = (await dec.run({ latents: new ort.Tensor('float32', Float32Array.from(z.d), [1, L, h, w]) })).sample!;
  const ref = decodeRef(z);
  assert.deepEqual(got.dims, [1, 3, ref.h, ref.w]);
  const r1 = assertClose(got.data as Float32Array, ref.d, { label: 'decoder' });
  const img: T = { c: 3, h: 8, w: 12, d: Float64Array.from({ length: 3 * 8 * 12 }, () => 2 * rnd()) };
  const enc = await ort.InferenceSession.create(desc.encoder!.modelFile);
  const mode = (await enc.run({ sample: new ort.Tensor('float32', Float32Array.from(img.d), [1, 3, 8, 12]) })).latent_mode!;
  const refMode = encodeRef(img);
  assert.deepEqual(mode.dims, [1, L, refMode.h, refMode.w]);
  const r2 = assertClose(mode.data as Float32Array, refMode.d, { label: 'encoder mode' });
  console.log(`synthetic VAE: decoder max abs err ${r1.maxAbsErr}, encoder ${r2.maxAbsErr}`);
  await dec.release();
  await enc.release();
});

test('a config that does not match the weights is refused naming the weight', async () => {
  const bad = path.join(dir, 'bad');
  await mkdir(bad);
  await writeFile(path.join(bad, 'config.json'), JSON.stringify({ ...CFG, block_out_channels: [8, 32] }));
  const tensors: Record<string, TensorToWrite> = {};
  for (const [n, t] of W) tensors[n] = { dtype: 'F32', shape: t.shape, data: t.data };
  await writeSafetensors(path.join(bad, 'diffusion_pytorch_model.safetensors'), tensors);
  await assert.rejects(buildVae(bad, path.join(dir, 'out-bad')), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, 'model_corrupt');
    assert.match(e.message ?? '', /has shape \[.*\] but config\.json implies/);
    return true;
  });
  assert.ok(!existsSync(path.join(dir, 'out-bad', 'vae_decoder.onnx')) && !existsSync(path.join(dir, 'out-bad', 'vae_encoder.onnx')), 'no partial output');
  await writeFile(path.join(bad, 'config.json'), JSON.stringify({ ...CFG, act_fn: 'gelu' }));
  await assert.rejects(buildVae(bad, path.join(dir, 'out-bad')), (e: { code?: string; message?: string }) => e.code === 'model_corrupt' && /act_fn/.test(e.message ?? ''));
});
