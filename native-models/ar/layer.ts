/**
 * One GLM-Image decoder layer (GLM-4 "sandwich" norms) as graph nodes:
 *   x = x + post_self_attn_norm(attn(input_norm(x)))
 *   x = x + post_mlp_norm(down(up * silu(gate)))   with [gate, up] = split(gate_up(post_attention_norm(x)))
 * Attention: q/k/v with bias, mRoPE on q and k, KV cache (past ++ new = present), grouped-query
 * attention without repeating K/V: the query heads of one KV head are stacked along the sequence
 * axis, [B, kvH, n*S, D] x [B, kvH, D, T], with the causal mask tiled n times.
 */
import { linear, rmsNorm, silu, type GraphBuilder, type WeightPrecision } from '../onnx';
import type { SafetensorsCheckpoint } from '../safetensors';
import { AR_WEIGHT_PREFIX, type ArConfig } from './config';
import { applyRope, type RopeTables } from './rope';

export interface LayerInputs {
  hidden: string;
  rope: RopeTables;
  /** [n*S, T] additive causal mask, already tiled for the query heads of one KV head. */
  mask: string;
  pastKey: string;
  pastValue: string;
}

export interface LayerOutputs {
  hidden: string;
  presentKey: string;
  presentValue: string;
}

export interface LinearSettings {
  precision: WeightPrecision;
  blockSize?: number;
  accuracyLevel?: number;
}

export async function buildLinear(
  g: GraphBuilder,
  ckpt: SafetensorsCheckpoint,
  x: string,
  tensor: string,
  outF: number,
  inF: number,
  withBias: boolean,
  s: LinearSettings,
  name: string,
): Promise<string> {
  const w = await ckpt.readFloat32(`${tensor}.weight`);
  const b = withBias ? await ckpt.readFloat32(`${tensor}.bias`) : undefined;
  return linear(g, x, name, w, outF, inF, b, s.precision, { blockSize: s.blockSize, accuracyLevel: s.accuracyLevel });
}

export async function decoderLayer(
  g: GraphBuilder,
  ckpt: SafetensorsCheckpoint,
  c: ArConfig,
  l: number,
  inp: LayerInputs,
  s: LinearSettings,
): Promise<LayerOutputs> {
  const W = `${AR_WEIGHT_PREFIX}layers.${l}.`;
  const n = `layer${l}`;
  const H = c.hiddenSize;
  const D = c.headDim;
  const qDim = c.numHeads * D;
  const kvDim = c.numKvHeads * D;
  const groups = c.numHeads / c.numKvHeads;
  const norm = async (x: string, which: string) =>
    rmsNorm(g, x, await ckpt.readFloat32(`${W}${which}.weight`), c.rmsNormEps, { name: `${n}.${which}` });

  // --- attention ---
  const h = await norm(inp.hidden, 'input_layernorm');
  const q = await buildLinear(g, ckpt, h, `${W}self_attn.q_proj`, qDim, H, c.attentionBias, s, `${n}.q_proj`);
  const k = await buildLinear(g, ckpt, h, `${W}self_attn.k_proj`, kvDim, H, c.attentionBias, s, `${n}.k_proj`);
  const v = await buildLinear(g, ckpt, h, `${W}self_attn.v_proj`, kvDim, H, c.attentionBias, s, `${n}.v_proj`);
  const heads = (x: string, count: number, name: string) =>
    g.op(
      'Transpose',
      [g.op('Reshape', [x, g.constInt64([0, 0, count, D])], {}, { name: `${name}.split_heads` })],
      { perm: [0, 2, 1, 3] },
      { name },
    ); // [B, heads, S, D]
  const qh = applyRope(g, heads(q, c.numHeads, `${n}.q`), inp.rope, c, `${n}.q_rope`);
  const kh = applyRope(g, heads(k, c.numKvHeads, `${n}.k`), inp.rope, c, `${n}.k_rope`);
  const vh = heads(v, c.numKvHeads, `${n}.v`);
  const presentKey = g.op('Concat', [inp.pastKey, kh], { axis: 2 }, { name: `${n}.present_key` });
  const presentValue = g.op('Concat', [inp.pastValue, vh], { axis: 2 }, { name: `${n}.present_value` });

  // [B, H, S, D] with H = kvH * groups (head = kv * groups + r) → [B, kvH, groups * S, D]
  const qg = g.op('Reshape', [qh, g.constInt64([0, c.numKvHeads, -1, D])], {}, { name: `${n}.q_grouped` });
  const kt = g.op('Transpose', [presentKey], { perm: [0, 1, 3, 2] }, { name: `${n}.k_t` });
  let scores = g.op('MatMul', [qg, kt], {}, { name: `${n}.qk` });
  scores = g.op('Mul', [scores, g.constFloat([1 / Math.sqrt(D)], [])], {}, { name: `${n}.qk_scaled` });
  scores = g.op('Add', [scores, inp.mask], {}, { name: `${n}.qk_masked` });
  const probs = g.op('Softmax', [scores], { axis: -1 }, { name: `${n}.attn_probs` });
  const ctx = g.op('MatMul', [probs, presentValue], {}, { name: `${n}.attn_ctx` }); // [B, kvH, groups*S, D]
  const ctxHeads = g.op('Reshape', [ctx, g.constInt64([0, c.numKvHeads * groups, -1, D])], {}, { name: `${n}.ctx_heads` });
  const ctxBsh = g.op('Transpose', [ctxHeads], { perm: [0, 2, 1, 3] }, { name: `${n}.ctx_bshd` });
  const ctxFlat = g.op('Reshape', [ctxBsh, g.constInt64([0, 0, qDim])], {}, { name: `${n}.ctx_flat` });
  const attnOut = await buildLinear(g, ckpt, ctxFlat, `${W}self_attn.o_proj`, H, qDim, false, s, `${n}.o_proj`);
  const attnNormed = await norm(attnOut, 'post_self_attn_layernorm');
  const x1 = g.op('Add', [inp.hidden, attnNormed], {}, { name: `${n}.attn_residual` });

  // --- MLP ---
  const h2 = await norm(x1, 'post_attention_layernorm');
  const I = c.intermediateSize;
  const gu = await buildLinear(g, ckpt, h2, `${W}mlp.gate_up_proj`, 2 * I, H, false, s, `${n}.gate_up_proj`);
  const [gate, up] = g.opMulti('Split', [gu, g.constInt64([I, I])], { axis: -1 }, { outputs: 2, name: `${n}.gate_up_split` });
  const act = g.op('Mul', [up, silu(g, gate, { name: `${n}.silu` })], {}, { name: `${n}.mlp_act` });
  const down = await buildLinear(g, ckpt, act, `${W}mlp.down_proj`, H, I, false, s, `${n}.down_proj`);
  const mlpNormed = await norm(down, 'post_mlp_layernorm');
  const hidden = g.op('Add', [x1, mlpNormed], {}, { name: `${n}.mlp_residual` });
  return { hidden, presentKey, presentValue };
}
