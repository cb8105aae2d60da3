/**
 * The GlmImageTransformer2DModel forward as one ONNX graph (see io.ts for its interface):
 *   patchify → image_projector + prior projector;  glyph projector;  temb from timestep and sizes;
 *   rotary tables;  num_layers blocks;  norm_out (scale first, no SiLU) → proj_out → unpatchify.
 *
 * Precision (context.ts): inputs and outputs are float32. Under fp16 compute the large linears and
 * attention run in float16; fp32 islands: the timestep/size embedding and its small linears (tiny,
 * and sinusoids of t up to 999 lose digits in fp16), the patch projection and the output head
 * (small, fp32 weights as the reference keeps them), the rotary tables and rotation, the residual
 * streams (islands.residual) and every norm's statistics.
 */
import { layerNorm } from '../onnx';
import type { DitGraphContext } from './context';
import { transformerBlock } from './block';
import { timeConditionEmbedding } from './embeddings';
import { DIT_INPUTS, DIT_OUTPUTS, ditInputSpecs, ditOutputSpecs } from './io';
import { chunk, dimOf, unsqueeze } from './ops';
import { patchGrid, patchify, unpatchify } from './patch';
import { glyphProjector, imageProjector, priorProjector } from './projectors';
import { ropeTables, type RopeTables } from './rope';

export async function buildDitGraph(ctx: DitGraphContext): Promise<void> {
  const { g, cfg, c } = ctx;
  const specs = ditInputSpecs(cfg);
  for (const s of specs) g.input(s.name, s.type, s.dims);
  const I = DIT_INPUTS;
  const toStream = (v: string, name: string) => (ctx.residualType === c.type ? v : c.toFloat32(v, name));

  // 1. tokens of both streams (the image projection is a small fp32 layer; the prior and glyph projectors are large)
  const grid = patchGrid(g, I.hiddenStates, cfg.patchSize);
  const patches = await imageProjector(ctx, patchify(g, I.hiddenStates, grid, cfg.inChannels, cfg.patchSize)); // float32
  const prior = await priorProjector(ctx, I.priorTokenId, I.priorTokenDrop); // compute type
  let x =
    ctx.residualType === 'float32'
      ? g.op('Add', [patches, c.toFloat32(prior, 'prior_fp32')], {}, { name: 'image_tokens' })
      : g.op('Add', [c.fromFloat32(patches, 'patches_fp16'), prior], {}, { name: 'image_tokens' });
  let cs = toStream(await glyphProjector(ctx, c.fromFloat32(I.encoderHiddenStates, 'glyphs_in')), 'text_tokens');

  // 2. conditioning and positions
  const temb32 = await timeConditionEmbedding(ctx, I.timestep, I.targetSize, I.cropCoords); // fp32 island
  const temb = c.fromFloat32(temb32, 'temb_compute');
  const textLen = dimOf(g, I.encoderHiddenStates, 1);
  const imageLen = g.op('Mul', [grid.gridH, grid.gridW]);
  const tables = ropeTables(g, cfg.headDim, textLen, grid.gridH, grid.gridW);
  const rope: RopeTables =
    c.half && !ctx.islands.rope ? { cos: c.fromFloat32(tables.cos, 'rope_cos_fp16'), sin: c.fromFloat32(tables.sin, 'rope_sin_fp16') } : tables;
  const writeLen = g.op('Mul', [g.op('Cast', [I.writeRefKv], { to: 7 }), imageLen], {}, { name: 'kv_write_len' });

  // 3. blocks
  const keys: string[] = [];
  const values: string[] = [];
  for (let l = 0; l < cfg.numLayers; l++) {
    const layerIdx = g.constInt64([l], []);
    const out = await transformerBlock(ctx, l, {
      x,
      c: cs,
      temb,
      rope,
      textLen,
      refKey: g.op('Gather', [I.refKeys, layerIdx], { axis: 0 }),
      refValue: g.op('Gather', [I.refValues, layerIdx], { axis: 0 }),
      batch: grid.batch,
      writeLen,
    });
    x = out.x;
    cs = out.c;
    keys.push(out.writtenKey);
    values.push(out.writtenValue);
  }

  // 4. output norm and projection, in fp32 (the modulation is computed large, then widened)
  const mod = await ctx.weights.linear(g, temb, 'norm_out.linear', cfg.timeEmbedDim, 2 * cfg.innerDim, ctx.precision, c.precision);
  const [scale, shift] = chunk(g, c.toFloat32(mod, 'norm_out.mod_fp32'), 2, 1).map((t) => unsqueeze(g, t, [1]));
  const xn = layerNorm(g, ctx.residualType === 'float32' ? x : c.toFloat32(x, 'norm_out.in_fp32'), ctx.ones(cfg.innerDim, 'float32'), undefined, 1e-5, -1, { name: 'norm_out.norm' });
  let y = g.op('Add', [g.op('Mul', [xn, g.op('Add', [scale, g.constFloat([1], [])])]), shift], {}, { name: 'norm_out' });
  const patchOut = cfg.patchSize * cfg.patchSize * cfg.outChannels;
  y = await ctx.weights.linear(g, y, 'proj_out', cfg.innerDim, patchOut, ctx.smallPrecision);
  const sample = unpatchify(g, y, grid, cfg.outChannels, cfg.patchSize);

  // 5. outputs: the velocity and the (usually empty) reference K/V written by this pass
  const outSpecs = ditOutputSpecs(cfg);
  g.output(sample, 'float32', outSpecs[0].dims, DIT_OUTPUTS.sample);
  g.output(g.op('Concat', keys, { axis: 0 }), 'float32', outSpecs[1].dims, DIT_OUTPUTS.refKeys);
  g.output(g.op('Concat', values, { axis: 0 }), 'float32', outSpecs[2].dims, DIT_OUTPUTS.refValues);
}
