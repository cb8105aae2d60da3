/**
 * The AR graph follows config.json, not the fixture's sizes: a random checkpoint with other shapes
 * (full rotary, mrope [2,3,3], 3 KV heads x 2, odd sizes) is compiled and run with the KV cache, and
 * every step's logits are compared with a direct float64 computation of the same model (whole
 * sequence, no cache) written here from the architecture description.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ArModel, generateImageTokens } from '../../main/engine/ar';
import { Positions3D, ropeIndex } from '../../main/engine/processor';
import { createRng } from '../../main/engine/random';
import { buildAr, expectedArWeights, readArConfig, type ArConfig } from '../../native-models/ar';
import { writeSafetensors, type TensorToWrite } from '../../native-models/safetensors';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'glimmer-ar-shapes-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const START = 45;
const END = 46;
const rawConfig = {
  architectures: ['GlmImageForConditionalGeneration'],
  image_start_token_id: START,
  image_end_token_id: END,
  image_token_id: 299,
  text_config: {
    hidden_size: 96,
    num_hidden_layers: 3,
    num_attention_heads: 6,
    num_key_value_heads: 3,
    intermediate_size: 40,
    vocab_size: 300,
    vision_vocab_size: 50,
    rms_norm_eps: 1e-6,
    attention_bias: true,
    hidden_act: 'silu',
    eos_token_id: END,
    rope_parameters: { rope_type: 'default', rope_theta: 500, partial_rotary_factor: 1.0, mrope_section: [2, 3, 3] },
  },
  vq_config: { num_embeddings: 40 },
};

type Weights = Map<string, { data: Float32Array; shape: number[] }>;

function makeCheckpoint(dir: string): { config: ArConfig; weights: Weights } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(rawConfig));
  const config = readArConfig(dir);
  const rng = createRng(11, 'weights');
  const weights: Weights = new Map();
  for (const [name, shape] of expectedArWeights(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = name.endsWith('norm.weight');
    const data = Float32Array.from({ length: n }, () => (isNorm ? 1 + 0.2 * rng.nextGaussian() : 0.15 * rng.nextGaussian()));
    weights.set(name, { data, shape });
  }
  return { config, weights };
}

/** Direct float64 forward over a whole sequence; logits of every position. */
function reference(c: ArConfig, W: Weights, ids: number[], pos: Positions3D): Float64Array[] {
  const S = ids.length;
  const H = c.hiddenSize;
  const D = c.headDim;
  const w = (n: string) => W.get(n)!.data;
  const lin = (x: Float64Array[], name: string, out: number, bias?: string) =>
    x.map((row) => {
      const Wt = w(name);
      const b = bias ? w(bias) : undefined;
      const y = new Float64Array(out);
      for (let o = 0; o < out; o++) {
        let s = b ? b[o] : 0;
        for (let i = 0; i < row.length; i++) s += Wt[o * row.length + i] * row[i];
        y[o] = s;
      }
      return y;
    });
  const rms = (x: Float64Array[], name: string) =>
    x.map((row) => {
      const g = w(name);
      const ms = row.reduce((s, v) => s + v * v, 0) / row.length;
      const r = 1 / Math.sqrt(ms + c.rmsNormEps);
      return row.map((v, i) => g[i] * v * r);
    });
  const half = c.rotaryDim / 2;
  const axisOf = (i: number) => (i < c.mropeSection[0] ? 0 : i < c.mropeSection[0] + c.mropeSection[1] ? 1 : 2);
  const angle = (s: number, i: number) => {
    const p = [pos.t[s], pos.h[s], pos.w[s]][axisOf(i % half)];
    return p / Math.pow(c.ropeTheta, (2 * (i % half)) / c.rotaryDim);
  };
  const rope = (v: Float64Array, s: number) => {
    const out = Float64Array.from(v);
    for (let i = 0; i < c.rotaryDim; i++) {
      const rot = i < half ? -v[i + half] : v[i - half];
      out[i] = v[i] * Math.cos(angle(s, i)) + rot * Math.sin(angle(s, i));
    }
    return out;
  };
  const E = w('model.language_model.embed_tokens.weight');
  let x = ids.map((id) => Float64Array.from(E.subarray(id * H, (id + 1) * H)));
  const groups = c.numHeads / c.numKvHeads;
  for (let l = 0; l < c.numLayers; l++) {
    const P = `model.language_model.layers.${l}.`;
    const h = rms(x, `${P}input_layernorm.weight`);
    const q = lin(h, `${P}self_attn.q_proj.weight`, c.numHeads * D, `${P}self_attn.q_proj.bias`);
    const k = lin(h, `${P}self_attn.k_proj.weight`, c.numKvHeads * D, `${P}self_attn.k_proj.bias`);
    const v = lin(h, `${P}self_attn.v_proj.weight`, c.numKvHeads * D, `${P}self_attn.v_proj.bias`);
    const ctx = x.map(() => new Float64Array(c.numHeads * D));
    for (let hd = 0; hd < c.numHeads; hd++) {
      const kv = Math.floor(hd / groups);
      const ks = k.map((row, s) => rope(row.subarray(kv * D, (kv + 1) * D), s));
      for (let s = 0; s < S; s++) {
        const qs = rope(q[s].subarray(hd * D, (hd + 1) * D), s);
        const sc = ks.slice(0, s + 1).map((kk) => kk.reduce((a, kv2, i) => a + kv2 * qs[i], 0) / Math.sqrt(D));
        const m = Math.max(...sc);
        const e = sc.map((z) => Math.exp(z - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let t = 0; t <= s; t++) for (let i = 0; i < D; i++) ctx[s][hd * D + i] += (e[t] / z) * v[t][kv * D + i];
      }
    }
    const a = rms(lin(ctx, `${P}self_attn.o_proj.weight`, H), `${P}post_self_attn_layernorm.weight`);
    x = x.map((row, s) => row.map((val, i) => val + a[s][i]));
    const gu = lin(rms(x, `${P}post_attention_layernorm.weight`), `${P}mlp.gate_up_proj.weight`, 2 * c.intermediateSize);
    const act = gu.map((row) => {
      const I = c.intermediateSize;
      return Float64Array.from({ length: I }, (_, i) => row[I + i] * (row[i] / (1 + Math.exp(-row[i]))));
    });
    const m = rms(lin(act, `${P}mlp.down_proj.weight`, H), `${P}post_mlp_layernorm.weight`);
    x = x.map((row, s) => row.map((val, i) => val + m[s][i]));
  }
  return lin(rms(x, 'model.language_model.norm.weight'), 'lm_head.weight', c.visionVocabSize);
}

test('a differently shaped config: compiled graph with KV cache = direct computation', async () => {
  const dir = path.join(tmp, 'ckpt');
  const { config, weights } = makeCheckpoint(dir);
  const tensors: Record<string, TensorToWrite> = {};
  for (const [n, t] of weights) tensors[n] = { dtype: 'F32', shape: t.shape, data: t.data };
  await writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
  const built = await buildAr(dir, path.join(tmp, 'out'), { precision: 'fp32' });
  assert.equal(built.manifest.config.rotaryDim, 16);
  const model = await ArModel.load(built.manifestPath);
  try {
    // an i2i-like prompt: text, a 2x3 reference image (2-D positions), text, the image start
    const inputIds = [60, 61, START, 1, 2, 3, 4, 5, 6, END, 70, 71, 72, START];
    const rope = ropeIndex({ inputIds, grids: [{ h: 2, w: 3 }, { h: 3, w: 2 }], imageStartId: START, imageEndId: END });
    const teacher = [7, 8, 9, 10, 11, 12, 13];
    const got: Float32Array[] = [];
    await generateImageTokens(model, { inputIds, rope }, {
      rng: { nextFloat: () => 0.5 },
      codebookSize: config.codebookSize,
      endTokenId: END,
      teacherTokens: teacher,
      sampleEndStep: true,
      onLogits: (_s, l) => got.push(l),
    });
    assert.equal(got.length, 7);
    const all = [...inputIds, ...teacher.slice(0, 6)];
    const positions = new Positions3D(
      [...rope.prefill.t, ...rope.decode.t.slice(0, 6)],
      [...rope.prefill.h, ...rope.decode.h.slice(0, 6)],
      [...rope.prefill.w, ...rope.decode.w.slice(0, 6)],
    );
    const ref = reference(config, weights, all, positions).slice(inputIds.length - 1);
    let maxRef = 0;
    let maxErr = 0;
    ref.forEach((row, k) =>
      row.forEach((v, i) => {
        maxRef = Math.max(maxRef, Math.abs(v));
        maxErr = Math.max(maxErr, Math.abs(v - got[k][i]));
      }),
    );
    assert.ok(maxErr <= 1e-4 * maxRef, `max |err| ${maxErr} vs max |ref| ${maxRef}`);
  } finally {
    await model.release();
  }
});
