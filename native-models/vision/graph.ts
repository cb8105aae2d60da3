/**
 * The GLM-Image image tokenizer as one ONNX graph: ViT (GlmImageVisionModel) + VQ (GlmImageVQVAE.encode).
 *
 * One image per run (attention is within one image anyway).
 *   inputs:  pixel_values [N, C*P*P] (the processor's patches), pos_grid [1, N, 1, 2] (grid_sample
 *            coordinates of each patch, see positionGrid in main/engine/vision)
 *   outputs: features [N, hidden] (the ViT output), token_ids [N] int64 (VQ codebook ids)
 *
 * ViT: patch embed (Conv2d k=s=P as a Linear over the (C, py, px) patch vector) + the learned position
 * table resampled with bilinear grid_sample (align_corners=False, border) at the patch centres
 * (written as gathers of the four neighbouring rows: sampleTable); then
 * pre-LN blocks x += proj(MHA(LN1(x))), x += fc2(gelu(fc1(LN2(x)))). No final norm.
 * VQ: z = quant_conv(x) (1x1 conv = Linear), L2-normalise z and the codebook rows, id = argmax z·e
 * (= argmin of the squared distance between the normalised vectors; first index on ties).
 *
 * Compute precision (onnx/compute.ts): under fp16 the blocks' linears, norms (fp32 statistics) and
 * the fused attention run in float16; fp32 islands: the position table and its sampling (positions
 * are interpolated between table rows: fp32 as the reference's grid_sample), the residual stream (as
 * in the DiT: the sum over 40 blocks; it also feeds the VQ), and the whole VQ (features → ids must
 * be decided on fp32 cosines; an fp16 argmax would flip near-ties).
 */
import { Compute, gelu, layerNorm, linear, multiHeadAttention, type ComputePrecision, type GraphBuilder, type WeightPrecision } from '../onnx';
import type { VisionConfig, VqConfig } from './config';
import type { WeightReader } from './weights';

export const VISION_INPUTS = { pixelValues: 'pixel_values', posGrid: 'pos_grid' } as const;
export const VISION_OUTPUTS = { features: 'features', tokenIds: 'token_ids' } as const;

/** LayerNorm of the fp32 residual stream, result in the compute type. */
async function lnorm(c: Compute, w: WeightReader, x: string, name: string, dim: number, eps: number): Promise<string> {
  return c.fromFloat32(layerNorm(c.g, x, await w.read(`${name}.weight`, [dim]), await w.read(`${name}.bias`, [dim]), eps, -1, { name }), `${name}.cast`);
}

async function dense(
  c: Compute,
  w: WeightReader,
  x: string,
  name: string,
  outF: number,
  inF: number,
  bias: boolean,
  precision: WeightPrecision,
): Promise<string> {
  const weight = await w.read(`${name}.weight`, [outF, inF]);
  const b = bias ? await w.read(`${name}.bias`, [outF]) : undefined;
  return linear(c.g, x, name, weight, outF, inF, b, precision, { compute: c.precision });
}

export async function buildVisionGraph(
  g: GraphBuilder,
  vis: WeightReader,
  vq: WeightReader,
  cfg: VisionConfig,
  vqCfg: VqConfig,
  precision: WeightPrecision,
  compute: ComputePrecision = 'fp32',
): Promise<void> {
  const c = new Compute(g, compute);
  const D = cfg.hiddenSize;
  const P = cfg.patchSize;
  const patchDim = cfg.inChannels * P * P;
  const pixels = g.input(VISION_INPUTS.pixelValues, 'float32', ['num_patches', patchDim]);
  const grid = g.input(VISION_INPUTS.posGrid, 'float32', [1, 'num_patches', 1, 2]);

  // patch embedding: Conv2d weight [D, C, P, P] flattens to [D, C*P*P] in the patch vector's order
  const pw = await vis.read('patch_embed.proj.weight', [D, cfg.inChannels, P, P]);
  const pb = await vis.read('patch_embed.proj.bias', [D]);
  let x = c.toFloat32(linear(g, c.fromFloat32(pixels, 'pixels'), 'patch_embed.proj', pw, D, patchDim, pb, precision, { compute }), 'patch_embed.out');

  // position table [S*S, D] (row y*S + x), sampled bilinearly at the patch centres
  const side = cfg.imageSize / P;
  const table = g.initializer('embeddings.position_table', await vis.read('embeddings.position_embedding.weight', [side * side, D]), [side * side, D]);
  x = g.op('Add', [x, sampleTable(g, table, grid, side)]);

  const heads = cfg.numHeads;
  for (let i = 0; i < cfg.depth; i++) {
    const p = `blocks.${i}`;
    const h1 = await lnorm(c, vis, x, `${p}.norm1`, D, cfg.layerNormEps);
    const qkv = await dense(c, vis, h1, `${p}.attn.qkv`, 3 * D, D, cfg.attentionBias, precision);
    // [N, 3D] → [1, N, 3, D] split on axis 2 (q, k, v each [1, N, D]; heads are contiguous in D)
    const qkv4 = g.op('Reshape', [qkv, g.constInt64([1, -1, 3, D])]);
    const [q, k, v] = g.opMulti('Split', [qkv4, g.constInt64([1, 1, 1])], { axis: 2 }, { outputs: 3 });
    const flat = g.constInt64([1, -1, D]);
    const attn = multiHeadAttention(g, g.op('Reshape', [q!, flat]), g.op('Reshape', [k!, flat]), g.op('Reshape', [v!, flat]), {
      numHeads: heads,
      scale: 1 / Math.sqrt(D / heads),
      name: `${p}.attn.mha`,
    });
    const attn2 = g.op('Reshape', [attn, g.constInt64([-1, D])]);
    const proj = await dense(c, vis, attn2, `${p}.attn.proj`, D, D, cfg.attentionBias, precision);
    x = g.op('Add', [x, c.toFloat32(proj, `${p}.attn.residual_cast`)]);
    const h2 = await lnorm(c, vis, x, `${p}.norm2`, D, cfg.layerNormEps);
    const f1 = await dense(c, vis, h2, `${p}.mlp.fc1`, cfg.intermediateSize, D, true, precision);
    const f2 = await dense(c, vis, gelu(g, f1, cfg.hiddenAct === 'gelu' ? 'none' : 'tanh', { name: `${p}.mlp.act` }), `${p}.mlp.fc2`, D, cfg.intermediateSize, true, precision);
    x = g.op('Add', [x, c.toFloat32(f2, `${p}.mlp.residual_cast`)]);
  }
  g.output(x, 'float32', ['num_patches', D], VISION_OUTPUTS.features);

  // VQ: quant_conv (1x1) then cosine nearest codebook entry. Always fp32: ids must be exact.
  const E = vqCfg.embedDim;
  const K = vqCfg.numEmbeddings;
  const qw = await vq.read('quant_conv.weight', [E, D, 1, 1]);
  const qb = await vq.read('quant_conv.bias', [E]);
  const z = linear(g, x, 'vq.quant_conv', qw, E, D, qb, 'fp32');
  const norm = g.op('ReduceL2', [z, g.constInt64([-1])], { keepdims: 1 });
  const zn = g.op('Div', [z, g.op('Max', [norm, g.constFloat([1e-12], [])])]);
  const codebook = await vq.read('quantize.embedding.weight', [K, E]);
  const cbT = new Float32Array(E * K); // normalised, transposed to [E, K]
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let e = 0; e < E; e++) s += codebook[k * E + e]! ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let e = 0; e < E; e++) cbT[e * K + k] = codebook[k * E + e]! * inv;
  }
  const sim = g.op('MatMul', [zn, g.initializer('vq.codebook_normalised_t', cbT, [E, K])]);
  const ids = g.op('ArgMax', [sim], { axis: 1, keepdims: 0, select_last_index: 0 });
  g.output(ids, 'int64', ['num_patches'], VISION_OUTPUTS.tokenIds);
}

/**
 * grid_sample (bilinear, align_corners=False, border padding) of a [S*S, D] table viewed as S x S
 * cells, at grid [1, N, 1, 2] (x, y in [-1, 1]) → [N, D], as gathers of the four neighbouring rows.
 * onnxruntime's GridSample has no WebGPU kernel (it ran on the CPU with its table copied over); this
 * form runs on every provider and follows GridSample's arithmetic: the unnormalised coordinate
 * ((g + 1) S - 1) / 2 clamped to [0, S - 1], corners floor and floor + 1 (the border repeats the
 * last cell), weights (c1 - c) and (c - c0).
 */
function sampleTable(g: GraphBuilder, table: string, grid: string, side: number): string {
  const xy = g.op('Reshape', [grid, g.constInt64([-1, 2])], {}, { name: 'pos.grid' }); // [N, 2]
  const f = (v: number) => g.constFloat([v], []);
  const unnorm = g.op('Div', [g.op('Sub', [g.op('Mul', [g.op('Add', [xy, f(1)]), f(side)]), f(1)]), f(2)], {}, { name: 'pos.coord' });
  const c = g.op('Clip', [unnorm, f(0), f(side - 1)], {}, { name: 'pos.clamped' });
  const c0 = g.op('Floor', [c], {}, { name: 'pos.c0' });
  const w1 = g.op('Sub', [c, c0], {}, { name: 'pos.w1' }); // weight of the upper corner
  const w0 = g.op('Sub', [g.op('Add', [c0, f(1)]), c], {}, { name: 'pos.w0' });
  const i0 = g.op('Cast', [c0], { to: 6 }, { name: 'pos.i0' });
  const i1 = g.op('Min', [g.op('Add', [i0, g.initializer('pos.one', Int32Array.of(1), [], 'int32')]), g.initializer('pos.last', Int32Array.of(side - 1), [], 'int32')], {}, { name: 'pos.i1' });
  const cols = (v: string, name: string) => g.opMulti('Split', [v, g.constInt64([1, 1])], { axis: 1 }, { outputs: 2, name }); // [N, 1] x, y
  const [x0, y0] = cols(i0, 'pos.i0_xy');
  const [x1, y1] = cols(i1, 'pos.i1_xy');
  const [wx0, wy0] = cols(w0, 'pos.w0_xy');
  const [wx1, wy1] = cols(w1, 'pos.w1_xy');
  const sideI = g.initializer('pos.side', Int32Array.of(side), [], 'int32');
  const row0 = g.op('Mul', [y0!, sideI], { }, { name: 'pos.row0' });
  const row1 = g.op('Mul', [y1!, sideI], {}, { name: 'pos.row1' });
  const corner = (row: string, col: string, wy: string, wx: string, name: string) => {
    const idx = g.op('Squeeze', [g.op('Add', [row, col], {}, { name: `${name}.index` }), g.constInt64([1])], {}, { name: `${name}.idx` }); // [N]
    const v = g.op('Gather', [table, idx], { axis: 0 }, { name }); // [N, D]
    return g.op('Mul', [v, g.op('Mul', [wy, wx], {}, { name: `${name}.weight` })], {}, { name: `${name}.weighted` });
  };
  const a = corner(row0, x0!, wy0!, wx0!, 'pos.c00');
  const b = corner(row0, x1!, wy0!, wx1!, 'pos.c01');
  const cc = corner(row1, x0!, wy1!, wx0!, 'pos.c10');
  const d = corner(row1, x1!, wy1!, wx1!, 'pos.c11');
  return g.op('Add', [g.op('Add', [g.op('Add', [a, b]), cc]), d], {}, { name: 'pos.sampled' });
}
