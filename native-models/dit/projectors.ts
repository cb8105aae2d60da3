/**
 * The three input projections of the DiT:
 *   image_projector  latent patches → inner width (small: fp32 weights and compute, float32 in and out)
 *   glyph_projector  glyph (T5) embeddings → inner width: Linear → GELU(erf) → Linear (compute type in and out)
 *   prior tokens     embedding[prior_token_id], zeroed where prior_token_drop, → Linear → SiLU → Linear
 *                    (compute type out)
 * (dropping zeroes the embedding, so a dropped prior still adds the projector's constant output).
 */
import { gelu, silu, toFloat16 } from '../onnx';
import type { DitGraphContext } from './context';
import { unsqueeze } from './ops';

export async function imageProjector(ctx: DitGraphContext, patches: string): Promise<string> {
  const { cfg } = ctx;
  const inF = cfg.inChannels * cfg.patchSize * cfg.patchSize;
  return ctx.weights.linear(ctx.g, patches, 'image_projector.proj', inF, cfg.innerDim, ctx.smallPrecision);
}

export async function glyphProjector(ctx: DitGraphContext, glyphs: string): Promise<string> {
  const { g, cfg, weights, c } = ctx;
  const h = await weights.linear(g, glyphs, 'glyph_projector.net.0.proj', cfg.textEmbedDim, cfg.innerDim, ctx.precision, c.precision);
  return weights.linear(g, gelu(g, h, 'none'), 'glyph_projector.net.2', cfg.innerDim, cfg.innerDim, ctx.precision, c.precision);
}

/**
 * Rows of the prior-token table for ids [B, N] → [B, N, inner] of the compute type. The table is
 * fp16 unless the model is fp32 (a Gather of fp16 rows, widened after the lookup under fp32 compute:
 * the Cast follows a runtime Gather, so it is not folded into an fp32 table at load).
 */
async function priorEmbedding(ctx: DitGraphContext, ids: string): Promise<string> {
  const { g, cfg, c } = ctx;
  const name = 'prior_token_embedding.weight';
  const table = await ctx.weights.tensor(name, [cfg.priorCodebookSize, cfg.innerDim]);
  const dims = [cfg.priorCodebookSize, cfg.innerDim];
  if (ctx.precision === 'fp32') return c.fromFloat32(g.op('Gather', [g.initializer(name, table, dims), ids], { axis: 0 }), 'prior_rows');
  const rows = g.op('Gather', [g.initializer(name, toFloat16(table), dims, 'float16'), ids], { axis: 0 });
  return c.half ? rows : g.op('Cast', [rows], { to: 1 });
}

export async function priorProjector(ctx: DitGraphContext, ids: string, drop: string): Promise<string> {
  const { g, cfg, weights, c } = ctx;
  const emb = await priorEmbedding(ctx, ids);
  const kept = g.op('Where', [unsqueeze(g, drop, [-1]), c.constant([0], []), emb], {}, { name: 'prior_embedding_dropped' });
  const h = await weights.linear(g, kept, 'prior_projector.net.0.proj', cfg.innerDim, cfg.innerDim, ctx.precision, c.precision);
  return weights.linear(g, silu(g, h), 'prior_projector.net.2', cfg.innerDim, cfg.innerDim, ctx.precision, c.precision);
}
