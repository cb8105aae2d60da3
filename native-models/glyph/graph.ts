/**
 * The glyph encoder graph: transformers' T5EncoderModel (ByT5 geometry in GLM-Image) as ONNX.
 *
 * Inputs
 *   input_ids        int64 [batch, seq]   ByT5 ids (main/engine/glyph builds them)
 *   attention_mask   int32 [batch, seq]   1 = token, 0 = padding (int32: WebGPU has no int64 Cast,
 *                                         and an int64 mask put its Cast on the CPU)
 *   position_bucket  int64 [seq, seq]     T5 relative-position bucket of (key - query), computed in
 *                                         TypeScript (main/engine/glyph/position-buckets.ts) with the
 *                                         reference's float32 rounding; the graph only gathers the table.
 * Output
 *   last_hidden_state float32 [batch, seq, d_model]
 *
 * Per the reference: token embedding (shared.weight); one position bias [1, H, seq, seq] from block 0's
 * relative_attention_bias table, plus the padding mask ((1 - mask) * float32 min), computed once and
 * shared by every layer; per layer RMS norm (no mean, no bias, fp32) → self-attention WITHOUT the
 * 1/sqrt(d) scale → residual, RMS norm → feed-forward (gated: act(wi_0 x) * wi_1 x → wo; else
 * act(wi x) → wo) → residual; final RMS norm. Dropout is off (inference).
 *
 * Attention is the fused com.microsoft MultiHeadAttention on [B, S, H·d_kv] with the position bias
 * plus padding mask as its attention_bias (the padding goes into the bias: WebGPU's kernel has no
 * key_padding_mask). The encoder computes in fp32 in every preset: the T5 v1.1 / ByT5 family
 * overflows fp16 in its feed-forward (transformers clamps its hidden states to the fp16 range when
 * it runs T5 in fp16), and at 0.2 B parameters run once per image, fp32 costs under 1 GB, which the
 * sequential profile releases before the DiT loads.
 */
import { NativeModelError } from '../errors';
import type { GraphBuilder } from '../onnx/builder';
import { gelu, multiHeadAttention, rmsNorm, silu } from '../onnx/blocks';
import { linear, toFloat16, type WeightPrecision } from '../onnx/precision';
import type { SafetensorsCheckpoint } from '../safetensors';
import type { T5EncoderConfig } from './config';

export const GLYPH_INPUTS = { inputIds: 'input_ids', attentionMask: 'attention_mask', positionBucket: 'position_bucket' } as const;
export const GLYPH_OUTPUTS = { lastHiddenState: 'last_hidden_state' } as const;

/** The most negative float32: what the reference adds to scores of padded keys. */
const F32_MIN = -3.4028234663852886e38;

export class T5Weights {
  constructor(
    private readonly ckpt: SafetensorsCheckpoint,
    private readonly where: string,
  ) {}

  async read(names: string[], expected: number): Promise<Float32Array> {
    for (const name of names) {
      if (!this.ckpt.has(name)) continue;
      const data = await this.ckpt.readFloat32(name);
      if (data.length !== expected) {
        throw new NativeModelError('model_corrupt', `${this.where}: weight ${name} has ${data.length} values, config.json implies ${expected}. The checkpoint and its config do not match.`);
      }
      return data;
    }
    throw new NativeModelError('model_corrupt', `${this.where}: weight ${names[0]} is missing. Re-download the glyph encoder (text_encoder/).`, {
      file: this.where,
      weight: names[0],
    });
  }
}

function activation(g: GraphBuilder, x: string, cfg: T5EncoderConfig, name: string): string {
  switch (cfg.activation) {
    case 'relu':
      return g.op('Relu', [x], {}, { name });
    case 'gelu_tanh':
      return gelu(g, x, 'tanh', { name });
    case 'gelu':
      return gelu(g, x, 'none', { name });
    case 'silu':
      return silu(g, x, { name });
  }
}

export async function buildT5EncoderGraph(g: GraphBuilder, w: T5Weights, cfg: T5EncoderConfig, precision: WeightPrecision): Promise<void> {
  const { dModel: d, numHeads: H, dKv, dFf, numLayers, vocabSize, relativeAttentionNumBuckets: nb } = cfg;
  const inner = H * dKv;
  const eps = cfg.layerNormEpsilon;

  const ids = g.input(GLYPH_INPUTS.inputIds, 'int64', ['batch', 'seq']);
  const mask = g.input(GLYPH_INPUTS.attentionMask, 'int32', ['batch', 'seq']);
  const bucket = g.input(GLYPH_INPUTS.positionBucket, 'int64', ['seq', 'seq']);

  // token embedding
  const emb = await w.read(['shared.weight', 'encoder.embed_tokens.weight'], vocabSize * d);
  let h: string;
  if (precision === 'fp32') {
    h = g.op('Gather', [g.initializer('shared.weight', emb, [vocabSize, d]), ids], { axis: 0 }, { name: 'embed' });
  } else {
    const table16 = g.initializer('shared.weight_fp16', toFloat16(emb), [vocabSize, d], 'float16');
    h = g.op('Cast', [g.op('Gather', [table16, ids], { axis: 0 }, { name: 'embed16' })], { to: 1 }, { name: 'embed' });
  }

  // shared position bias [1, H, S, S] + padding mask [B, 1, 1, S] → [B, H, S, S]
  const relTable = await w.read(['encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight'], nb * H);
  const relBias = g.op('Gather', [g.initializer('relative_attention_bias', relTable, [nb, H]), bucket], { axis: 0 }, { name: 'pos_bias.gather' }); // [S, S, H]
  const posBias = g.op('Unsqueeze', [g.op('Transpose', [relBias], { perm: [2, 0, 1] }, { name: 'pos_bias.t' }), g.constInt64([0])], {}, { name: 'pos_bias' });
  const maskF = g.op('Cast', [mask], { to: 1 }, { name: 'mask.float' });
  const inv = g.op('Sub', [g.constFloat([1], []), maskF], {}, { name: 'mask.inv' });
  const maskBias = g.op('Unsqueeze', [g.op('Mul', [inv, g.constFloat([F32_MIN], [])], {}, { name: 'mask.scaled' }), g.constInt64([1, 2])], {}, { name: 'mask.bias' });
  const bias = g.op('Add', [posBias, maskBias], {}, { name: 'attn_bias' });

  for (let i = 0; i < numLayers; i++) {
    const p = `encoder.block.${i}.layer`;
    const n = `block${i}`;
    // self-attention
    const ln0 = await w.read([`${p}.0.layer_norm.weight`], d);
    const x = rmsNorm(g, h, ln0, eps, { name: `${n}.attn_norm` });
    const q = linear(g, x, `${n}.q`, await w.read([`${p}.0.SelfAttention.q.weight`], inner * d), inner, d, undefined, precision);
    const k = linear(g, x, `${n}.k`, await w.read([`${p}.0.SelfAttention.k.weight`], inner * d), inner, d, undefined, precision);
    const v = linear(g, x, `${n}.v`, await w.read([`${p}.0.SelfAttention.v.weight`], inner * d), inner, d, undefined, precision);
    const a = multiHeadAttention(g, q, k, v, { numHeads: H, scale: 1, bias, name: `${n}.attn` }); // T5: no 1/sqrt(d)
    const o = linear(g, a, `${n}.o`, await w.read([`${p}.0.SelfAttention.o.weight`], d * inner), d, inner, undefined, precision);
    h = g.op('Add', [h, o], {}, { name: `${n}.attn_residual` });

    // feed-forward
    const ln1 = await w.read([`${p}.1.layer_norm.weight`], d);
    const y = rmsNorm(g, h, ln1, eps, { name: `${n}.ff_norm` });
    let f: string;
    if (cfg.gated) {
      const wi0 = linear(g, y, `${n}.wi_0`, await w.read([`${p}.1.DenseReluDense.wi_0.weight`], dFf * d), dFf, d, undefined, precision);
      const wi1 = linear(g, y, `${n}.wi_1`, await w.read([`${p}.1.DenseReluDense.wi_1.weight`], dFf * d), dFf, d, undefined, precision);
      f = g.op('Mul', [activation(g, wi0, cfg, `${n}.act`), wi1], {}, { name: `${n}.gate` });
    } else {
      const wi = linear(g, y, `${n}.wi`, await w.read([`${p}.1.DenseReluDense.wi.weight`], dFf * d), dFf, d, undefined, precision);
      f = activation(g, wi, cfg, `${n}.act`);
    }
    const ff = linear(g, f, `${n}.wo`, await w.read([`${p}.1.DenseReluDense.wo.weight`], d * dFf), d, dFf, undefined, precision);
    h = g.op('Add', [h, ff], {}, { name: `${n}.ff_residual` });
  }

  const out = rmsNorm(g, h, await w.read(['encoder.final_layer_norm.weight'], d), eps, { name: 'final_norm' });
  g.output(out, 'float32', ['batch', 'seq', d], GLYPH_OUTPUTS.lastHiddenState);
}
