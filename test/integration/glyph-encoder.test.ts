/**
 * Glyph encoder beyond the goldens: a long text (relative distances past the exact buckets) against an
 * independent float64 T5 forward written here from the checkpoint's weights; row-chunked runs equal a
 * single run; weight precisions (error reported); bad input refused before any session runs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildGlyph, readT5EncoderConfig } from '../../native-models/glyph';
import { SafetensorsCheckpoint } from '../../native-models/safetensors';
import { buildGlyphBatch, GlyphEncoder } from '../../main/engine/glyph';
import { checkpointDir, fixturesAvailable } from '../helpers/fixtures';

const componentDir = () => path.join(checkpointDir(), 'text_encoder');

/** Plain float64 T5 encoder (one row, no padding), straight from the paper/transformers definitions. */
async function referenceT5(ids: number[]): Promise<Float64Array> {
  const cfg = readT5EncoderConfig(componentDir());
  const ck = await SafetensorsCheckpoint.open(componentDir());
  const W = async (n: string) => Float64Array.from(await ck.readFloat32(n));
  const { dModel: d, numHeads: H, dKv, dFf } = cfg;
  const inner = H * dKv;
  const L = ids.length;
  const emb = await W('shared.weight');
  let h = new Float64Array(L * d);
  ids.forEach((id, t) => h.set(emb.subarray(id * d, (id + 1) * d), t * d));
  const rms = (x: Float64Array, w: Float64Array) => {
    const y = new Float64Array(x.length);
    for (let t = 0; t < L; t++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[t * d + j]! ** 2;
      const r = 1 / Math.sqrt(s / d + cfg.layerNormEpsilon);
      for (let j = 0; j < d; j++) y[t * d + j] = x[t * d + j]! * r * w[j]!;
    }
    return y;
  };
  const mm = (x: Float64Array, w: Float64Array, out: number, inp: number) => {
    const y = new Float64Array(L * out);
    for (let t = 0; t < L; t++)
      for (let o = 0; o < out; o++) {
        let s = 0;
        for (let i = 0; i < inp; i++) s += x[t * inp + i]! * w[o * inp + i]!;
        y[t * out + o] = s;
      }
    return y;
  };
  const bucket = (rel: number) => {
    const half = cfg.relativeAttentionNumBuckets / 2;
    const exact = half / 2;
    const n = Math.abs(rel);
    const base = rel > 0 ? half : 0;
    if (n < exact) return base + n;
    const large = exact + Math.floor((Math.log(n / exact) / Math.log(cfg.relativeAttentionMaxDistance / exact)) * (half - exact) + 1e-9);
    return base + Math.min(large, half - 1);
  };
  const rel = await W('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight');
  const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `encoder.block.${i}.layer`;
    const x = rms(h, await W(`${p}.0.layer_norm.weight`));
    const q = mm(x, await W(`${p}.0.SelfAttention.q.weight`), inner, d);
    const k = mm(x, await W(`${p}.0.SelfAttention.k.weight`), inner, d);
    const v = mm(x, await W(`${p}.0.SelfAttention.v.weight`), inner, d);
    const a = new Float64Array(L * inner);
    for (let hd = 0; hd < H; hd++)
      for (let s = 0; s < L; s++) {
        const sc = new Float64Array(L);
        let mx = -Infinity;
        for (let t = 0; t < L; t++) {
          let dot = 0;
          for (let j = 0; j < dKv; j++) dot += q[s * inner + hd * dKv + j]! * k[t * inner + hd * dKv + j]!;
          sc[t] = dot + rel[bucket(t - s) * H + hd]!;
          mx = Math.max(mx, sc[t]!);
        }
        let z = 0;
        for (let t = 0; t < L; t++) z += sc[t] = Math.exp(sc[t]! - mx);
        for (let j = 0; j < dKv; j++) {
          let acc = 0;
          for (let t = 0; t < L; t++) acc += (sc[t]! / z) * v[t * inner + hd * dKv + j]!;
          a[s * inner + hd * dKv + j] = acc;
        }
      }
    const o = mm(a, await W(`${p}.0.SelfAttention.o.weight`), d, inner);
    h = h.map((val, j) => val + o[j]!);
    const y = rms(h, await W(`${p}.1.layer_norm.weight`));
    assert.ok(cfg.gated && cfg.activation === 'gelu_tanh', 'this reference covers the gated-gelu fixture config');
    const g0 = mm(y, await W(`${p}.1.DenseReluDense.wi_0.weight`), dFf, d);
    const g1 = mm(y, await W(`${p}.1.DenseReluDense.wi_1.weight`), dFf, d);
    const f = g0.map((val, j) => gelu(val) * g1[j]!);
    const ff = mm(f, await W(`${p}.1.DenseReluDense.wo.weight`), d, dFf);
    h = h.map((val, j) => val + ff[j]!);
  }
  const out = rms(h, await W('encoder.final_layer_norm.weight'));
  await ck.close();
  return out;
}

describe('glyph encoder: long text, chunking, precisions, bad input', { skip: !fixturesAvailable() && 'no fixtures' }, () => {
  let dir = '';
  let enc: GlyphEncoder;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glimmer-glyph-it-'));
    await buildGlyph(componentDir(), path.join(dir, 'fp32'));
    enc = await GlyphEncoder.load(path.join(dir, 'fp32'), { provider: 'cpu' });
  });
  after(async () => {
    await enc?.release();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a 300-byte quoted text (relative distances up to 299) matches an independent float64 T5', async () => {
    const text = 'GLM-Image draws this: ' + 'The quick brown fox jumps over the lazy dog 0123456789. '.repeat(5) + '你好世界';
    const got = await enc.encodePrompt(`A sign that says "${text}"`);
    assert.equal(got.texts.length, 1);
    const ids = [...got.batch.inputIds].map(Number);
    assert.ok(ids.length > 256, `${ids.length} tokens`);
    const ref = await referenceT5(ids);
    let maxRef = 0;
    let err = 0;
    for (let i = 0; i < ref.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(ref[i]!));
      err = Math.max(err, Math.abs(ref[i]! - got.embeds[i]!));
    }
    console.log(`# glyph long text (${ids.length} tokens): max abs err vs float64 reference ${err.toExponential(2)}, max|ref| ${maxRef.toFixed(3)}`);
    assert.ok(err <= 1e-4 * maxRef, `error ${err}`);
  });

  test('row-chunked runs give the same result as one run', async () => {
    const texts = ['one', 'a much longer second text', '', 'four!', '第五'];
    const whole = await enc.encodeTexts(texts);
    const chunkedEnc = await GlyphEncoder.load(path.join(dir, 'fp32'), { provider: 'cpu', maxTokensPerRun: 1 });
    try {
      const chunked = await chunkedEnc.encodeTexts(texts);
      assert.equal(chunked.tokens, whole.tokens);
      let err = 0;
      for (let i = 0; i < whole.lastHiddenState.length; i++) err = Math.max(err, Math.abs(whole.lastHiddenState[i]! - chunked.lastHiddenState[i]!));
      assert.ok(err <= 1e-6, `chunked differs by ${err}`);
    } finally {
      await chunkedEnc.release();
    }
  });

  for (const precision of ['fp16', 'int8', 'int4'] as const) {
    test(`${precision} weights stay close to fp32`, async () => {
      const out = path.join(dir, precision);
      const desc = await buildGlyph(componentDir(), out, { precision });
      assert.equal(desc.precision, precision);
      const e = await GlyphEncoder.load(out, { provider: 'cpu' });
      try {
        const prompt = 'Poster: "Grand Opening" and \'SALE 50%\'';
        const a = await enc.encodePrompt(prompt);
        const b = await e.encodePrompt(prompt);
        let maxRef = 0;
        let err = 0;
        for (let i = 0; i < a.embeds.length; i++) {
          maxRef = Math.max(maxRef, Math.abs(a.embeds[i]!));
          err = Math.max(err, Math.abs(a.embeds[i]! - b.embeds[i]!));
        }
        console.log(`# glyph ${precision}: max abs err vs fp32 ${err.toExponential(2)} (${((err / maxRef) * 100).toFixed(3)}% of max|ref|), ${desc.bytes} bytes`);
        const bound = { fp16: 2e-3, int8: 2e-2, int4: 0.3 }[precision];
        assert.ok(err <= bound * maxRef, `${precision} error ${err}`);
      } finally {
        await e.release();
      }
    });
  }

  test('an enormous prompt is refused before any session runs; a very long single quote is truncated like the reference', async () => {
    const huge = Array.from({ length: 20 }, (_, i) => `"${String(i).repeat(2000)}"`).join(' ');
    assert.throws(
      () => enc.prepare(huge),
      (err: Error & { code?: string }) => err.code === 'bad_request' && /quoted text in the prompt is too long/.test(err.message),
    );
    const one = enc.prepare(`"${'x'.repeat(100000)}"`);
    assert.deepEqual([one.batch, one.seqLen, one.totalTokens], [1, 2048, 2048]);
    assert.equal(buildGlyphBatch([], enc.tokenizer).totalTokens, 1);
  });

  test('a missing compiled model names the file and the fix', async () => {
    await assert.rejects(
      GlyphEncoder.load(path.join(dir, 'nowhere')),
      (err: Error & { code?: string }) => err.code === 'model_missing' && /glyph\.json/.test(err.message) && /Compile/.test(err.message),
    );
  });
});
