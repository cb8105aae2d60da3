/**
 * The GlmImageTransformer2DModel forward as one ONNX graph (see io.ts for its interface):
 *   patchify → image_projector + prior projector;  glyph projector;  temb from timestep and sizes;
 *   rotary tables;  num_layers blocks;  norm_out (scale first, no SiLU) → proj_out → unpatchify.
 */
import { layerNorm } from '../onnx';
import type { DitGraphContext } from './context';
import { transformerBlock } from './block';
import { timeConditionEmbedding } from './embeddings';
import { DIT_INPUTS, DIT_OUTPUTS, ditInputSpecs, ditOutputSpecs } from './io';
import { chunk, dimOf, unsqueeze } from './ops';
import { patchGrid, patchify, unpatchify } from './patch';
import { glyphProjector, imageProjector, priorProjector } from './projectors';
import { ropeTables } from './rope';

export async function buildDitGraph(ctx: DitGraphContext): Promise<void> {
  const { g, cfg } = ctx;
  const specs = ditInputSpecs(cfg);
  for (const s of specs) g.input(s.name, s.type, s.dims);
  const I = DIT_INPUTS;

  // 1. tokens of both streams
  const grid = patchGrid(g, I.hiddenStates, cfg.patchSize);
  let x = await imageProjector(ctx, patchify(g, I.hiddenStates, grid, cfg.inChannels, cfg.patchSize));
  x = g.op('Add', [x, await priorProjector(ctx, I.priorTokenId, I.priorTokenDrop)], {}, { name: 'image_tokens' });
  let c = await glyphProjector(ctx, I.encoderHiddenStates);

  // 2. conditioning and positions
  const temb = await timeConditionEmbedding(ctx, I.timestep, I.targetSize, I.cropCoords);
  const textLen = dimOf(g, I.encoderHiddenStates, 1);
  const imageLen = g.op('Mul', [grid.gridH, grid.gridW]);
  const rope = ropeTables(g, cfg.headDim, textLen, grid.gridH, grid.gridW);
  const writeLen = g.op('Mul', [g.op('Cast', [I.writeRefKv], { to: 7 }), imageLen], {}, { name: 'kv_write_len' });
  const cacheBatch = g.op('Concat', [grid.batch, g.constInt64([1, 1, 1])], { axis: 0 });

  // 3. blocks
  const keys: string[] = [];
  const values: string[] = [];
  for (let l = 0; l < cfg.numLayers; l++) {
    const layerIdx = g.constInt64([l], []);
    const fromCache = (all: string) => g.op('Expand', [unsqueeze(g, g.op('Gather', [all, layerIdx], { axis: 0 }), [0]), cacheBatch]);
    const out = await transformerBlock(ctx, l, {
      x,
      c,
      temb,
      rope,
      textLen,
      refKey: fromCache(I.refKeys),
      refValue: fromCache(I.refValues),
      writeLen,
    });
    x = out.x;
    c = out.c;
    keys.push(out.writtenKey);
    values.push(out.writtenValue);
  }

  // 4. output norm and projection
  const mod = await ctx.weights.linear(g, temb, 'norm_out.linear', cfg.timeEmbedDim, 2 * cfg.innerDim, ctx.precision);
  const [scale, shift] = chunk(g, mod, 2, 1).map((t) => unsqueeze(g, t, [1]));
  const xn = layerNorm(g, x, ctx.onesInner, undefined, 1e-5, -1, { name: 'norm_out.norm' });
  x = g.op('Add', [g.op('Mul', [xn, g.op('Add', [scale, g.constFloat([1], [])])]), shift], {}, { name: 'norm_out' });
  const patchOut = cfg.patchSize * cfg.patchSize * cfg.outChannels;
  x = await ctx.weights.linear(g, x, 'proj_out', cfg.innerDim, patchOut, ctx.smallPrecision);
  const sample = unpatchify(g, x, grid, cfg.outChannels, cfg.patchSize);

  // 5. outputs: the velocity and the (usually empty) reference K/V written by this pass
  const outSpecs = ditOutputSpecs(cfg);
  g.output(sample, 'float32', outSpecs[0].dims, DIT_OUTPUTS.sample);
  g.output(g.op('Concat', keys, { axis: 0 }), 'float32', outSpecs[1].dims, DIT_OUTPUTS.refKeys);
  g.output(g.op('Concat', values, { axis: 0 }), 'float32', outSpecs[2].dims, DIT_OUTPUTS.refValues);
}
