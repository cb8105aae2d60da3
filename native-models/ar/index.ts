/**
 * The AR graph of GLM-Image (vision_language_encoder/, GlmImageForConditionalGeneration's text
 * decoder + lm_head), one graph for prefill and decode:
 *
 *   inputs   input_ids      int64   [batch, seq]
 *            position_ids   int64   [3, batch, seq]        (t, h, w) per token, host-computed
 *            past_key.{l}   float32 [batch, kv_heads, past, head_dim]   (past = 0 at prefill)
 *            past_value.{l} float32 [batch, kv_heads, past, head_dim]
 *   outputs  logits         float32 [batch, vision_vocab]   logits of the LAST position only
 *                                  ([batch, seq, vision_vocab] with logits: 'all')
 *            present_key.{l}, present_value.{l}  [batch, kv_heads, past + seq, head_dim]
 *
 * No attention-mask input: sequences are unpadded (batch 1 in the app), and the causal mask with
 * the past length comes from the shapes. Every size comes from config.json; weights are checked
 * against it before anything is written. Norms, rotary, softmax and the KV cache stay float32 at
 * every precision; `precision` applies to the linear layers (fp16: fp16 weights; int4/int8:
 * MatMulNBits) and to the embedding table (fp16; int4/int8: GatherBlockQuantized, same blocks).
 */
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { NativeModelError } from '../errors';
import { GraphBuilder, quantizeBlockwise, rmsNorm, toFloat16, type WeightPrecision } from '../onnx';
import { SafetensorsCheckpoint } from '../safetensors';
import { AR_WEIGHT_PREFIX, checkArWeights, readArConfig, type ArConfig } from './config';
import { buildLinear, decoderLayer, type LinearSettings } from './layer';
import { mropeTables } from './rope';
import { writeJsonAtomic } from '../atomic-write';

export { readArConfig, expectedArWeights, checkArWeights, type ArConfig } from './config';
export { inverseFrequencies, mropeAxisMap } from './rope';

export interface BuildArOptions {
  precision: WeightPrecision;
  /** MatMulNBits block size along K for int4/int8 (power of two 32..128; default 32). */
  blockSize?: number;
  /** MatMulNBits accuracy_level (0 default = fp32 compute on CPU; 4 = int8 activations, fastest). */
  accuracyLevel?: number;
  /** Embedding table storage for int4/int8 builds: 'quantized' (default, GatherBlockQuantized) or 'fp16'. */
  embedding?: 'quantized' | 'fp16';
  /** 'last' (default): logits of the last position only; 'all': every position. */
  logits?: 'last' | 'all';
  /** File base name (default 'ar'): writes <base>.onnx, <base>.onnx.data, <base>.json. */
  baseName?: string;
}

export interface TensorSpec {
  name: string;
  type: 'int64' | 'float32';
  dims: Array<number | string>;
}

/** What buildAr wrote; also saved as <base>.json beside the model (the runtime reads it). */
export interface ArManifest {
  kind: 'glm-image-ar';
  version: 1;
  model: string;
  data: string;
  precision: WeightPrecision;
  blockSize?: number;
  embedding?: 'quantized' | 'fp16';
  logits: 'last' | 'all';
  config: ArConfig;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface BuildArResult {
  modelPath: string;
  dataPath: string;
  manifestPath: string;
  bytes: number;
  manifest: ArManifest;
}

export const AR_IO = {
  inputIds: 'input_ids',
  positionIds: 'position_ids',
  logits: 'logits',
  pastKey: (l: number) => `past_key.${l}`,
  pastValue: (l: number) => `past_value.${l}`,
  presentKey: (l: number) => `present_key.${l}`,
  presentValue: (l: number) => `present_value.${l}`,
} as const;

function ioSpecs(c: ArConfig, logits: 'last' | 'all'): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const kv = (name: string, len: string): TensorSpec => ({ name, type: 'float32', dims: ['batch', c.numKvHeads, len, c.headDim] });
  const inputs: TensorSpec[] = [
    { name: AR_IO.inputIds, type: 'int64', dims: ['batch', 'seq'] },
    { name: AR_IO.positionIds, type: 'int64', dims: [3, 'batch', 'seq'] },
  ];
  const outputs: TensorSpec[] = [
    { name: AR_IO.logits, type: 'float32', dims: logits === 'last' ? ['batch', c.visionVocabSize] : ['batch', 'seq', c.visionVocabSize] },
  ];
  for (let l = 0; l < c.numLayers; l++) {
    inputs.push(kv(AR_IO.pastKey(l), 'past'), kv(AR_IO.pastValue(l), 'past'));
    outputs.push(kv(AR_IO.presentKey(l), 'total'), kv(AR_IO.presentValue(l), 'total'));
  }
  return { inputs, outputs };
}

/** Additive causal mask [groups * S, T] for queries at positions past..past+S-1 over keys 0..T-1. */
function causalMask(g: GraphBuilder, inputIds: string, pastKey0: string, groups: number): string {
  const scalar = (v: number) => g.constInt64([v], []);
  const past = g.op('Gather', [g.op('Shape', [pastKey0], {}, { name: 'mask.past_shape' }), scalar(2)], { axis: 0 }, { name: 'mask.past_len' });
  const seq = g.op('Gather', [g.op('Shape', [inputIds], {}, { name: 'mask.ids_shape' }), scalar(1)], { axis: 0 }, { name: 'mask.seq_len' });
  const total = g.op('Add', [past, seq], {}, { name: 'mask.total_len' });
  const rows = g.op('Unsqueeze', [g.op('Range', [past, total, scalar(1)], {}, { name: 'mask.row_pos' }), g.constInt64([1])], {}, { name: 'mask.rows' });
  const cols = g.op('Unsqueeze', [g.op('Range', [scalar(0), total, scalar(1)], {}, { name: 'mask.col_pos' }), g.constInt64([0])], {}, { name: 'mask.cols' });
  const allowed = g.op('LessOrEqual', [cols, rows], {}, { name: 'mask.allowed' }); // [S, T]
  const mask = g.op('Where', [allowed, g.constFloat([0], []), g.constFloat([-Infinity], [])], {}, { name: 'mask.additive' });
  return groups === 1 ? mask : g.op('Tile', [mask, g.constInt64([groups, 1])], {}, { name: 'mask.tiled' });
}

/**
 * The embedding table: fp32 Gather; fp16 table + Cast for fp16; for int4/int8 the table is
 * block-quantised along the hidden axis like the linear weights (com.microsoft GatherBlockQuantized,
 * same packing as MatMulNBits), or fp16 when the hidden size is not a multiple of the block size.
 */
async function embedding(
  g: GraphBuilder,
  ckpt: SafetensorsCheckpoint,
  c: ArConfig,
  ids: string,
  precision: WeightPrecision,
  blockSize: number,
  quantizeTable: boolean,
): Promise<string> {
  const table = await ckpt.readFloat32(`${AR_WEIGHT_PREFIX}embed_tokens.weight`);
  if (precision === 'fp32') {
    const t = g.initializer('embed_tokens.weight', table, [c.vocabSize, c.hiddenSize]);
    return g.op('Gather', [t, ids], { axis: 0 }, { name: 'embed_tokens' });
  }
  if (quantizeTable && (precision === 'int4' || precision === 'int8') && c.hiddenSize % blockSize === 0) {
    const bits = precision === 'int4' ? 4 : 8;
    const q = quantizeBlockwise(table, c.vocabSize, c.hiddenSize, bits, blockSize);
    const data = g.initializer('embed_tokens.qweight', q.packed, [c.vocabSize, (c.hiddenSize * bits) / 8], 'uint8');
    const scales = g.initializer('embed_tokens.scales', q.scales, [c.vocabSize, q.nBlocks]);
    const zp = g.initializer('embed_tokens.zero_points', q.zeroPoints!, [c.vocabSize, Math.ceil((q.nBlocks * bits) / 8)], 'uint8');
    return g.op(
      'GatherBlockQuantized',
      [data, ids, scales, zp],
      { gather_axis: 0, quantize_axis: 1, block_size: blockSize, bits },
      { domain: 'com.microsoft', name: 'embed_tokens' },
    );
  }
  const t16 = g.initializer('embed_tokens.weight_fp16', toFloat16(table), [c.vocabSize, c.hiddenSize], 'float16');
  const rows = g.op('Gather', [t16, ids], { axis: 0 }, { name: 'embed_tokens.fp16' });
  return g.op('Cast', [rows], { to: 1 }, { name: 'embed_tokens' });
}


/**
 * Reads vision_language_encoder/ (config.json + safetensors) and writes the AR graph to outDir.
 * Errors (missing files, config/weights mismatch) are NativeModelErrors naming the file; nothing is left
 * in outDir when the build fails.
 */
export async function buildAr(componentDir: string, outDir: string, opts: BuildArOptions): Promise<BuildArResult> {
  const config = readArConfig(componentDir);
  const logits = opts.logits ?? 'last';
  const base = opts.baseName ?? 'ar';
  const ckpt = await SafetensorsCheckpoint.open(componentDir);
  let g: GraphBuilder | undefined;
  try {
    checkArWeights(config, ckpt, componentDir);
    await mkdir(outDir, { recursive: true });
    g = new GraphBuilder('glm_image_ar', {
      spillDir: outDir,
      metadata: { 'glimmer.kind': 'glm-image-ar', 'glimmer.precision': opts.precision },
      docString: 'GLM-Image AR decoder (prefill + decode with KV cache), built by Glimmer Studio',
    });
    const io = ioSpecs(config, logits);
    for (const i of io.inputs) g.input(i.name, i.type, i.dims);
    const s: LinearSettings = { precision: opts.precision, blockSize: opts.blockSize, accuracyLevel: opts.accuracyLevel };

    const rope = mropeTables(g, AR_IO.positionIds, config);
    const mask = causalMask(g, AR_IO.inputIds, AR_IO.pastKey(0), config.numHeads / config.numKvHeads);
    let hidden = await embedding(g, ckpt, config, AR_IO.inputIds, opts.precision, opts.blockSize ?? 32, opts.embedding !== 'fp16');
    const presents: Array<[string, string]> = [];
    for (let l = 0; l < config.numLayers; l++) {
      const out = await decoderLayer(
        g,
        ckpt,
        config,
        l,
        { hidden, rope, mask, pastKey: AR_IO.pastKey(l), pastValue: AR_IO.pastValue(l) },
        s,
      );
      hidden = out.hidden;
      presents.push([out.presentKey, out.presentValue]);
    }
    hidden = rmsNorm(g, hidden, await ckpt.readFloat32(`${AR_WEIGHT_PREFIX}norm.weight`), config.rmsNormEps, { name: 'final_norm' });
    if (logits === 'last') {
      const last = g.op('Slice', [hidden, g.constInt64([-1]), g.constInt64([Number.MAX_SAFE_INTEGER]), g.constInt64([1])], {}, { name: 'last_position' });
      hidden = g.op('Squeeze', [last, g.constInt64([1])], {}, { name: 'last_hidden' });
    }
    const out = await buildLinear(g, ckpt, hidden, 'lm_head', config.visionVocabSize, config.hiddenSize, false, s, 'lm_head');

    g.output(out, 'float32', io.outputs[0].dims, AR_IO.logits);
    presents.forEach(([k, v], l) => {
      g!.output(k, 'float32', io.outputs[1 + 2 * l].dims, AR_IO.presentKey(l));
      g!.output(v, 'float32', io.outputs[2 + 2 * l].dims, AR_IO.presentValue(l));
    });
    const saved = await g.save(outDir, base);
    const manifest: ArManifest = {
      kind: 'glm-image-ar',
      version: 1,
      model: path.basename(saved.modelPath),
      data: path.basename(saved.dataPath),
      precision: opts.precision,
      ...(opts.precision === 'int4' || opts.precision === 'int8' ? { blockSize: opts.blockSize ?? 32, embedding: opts.embedding ?? 'quantized' } : {}),
      logits,
      config,
      inputs: io.inputs,
      outputs: io.outputs,
    };
    const manifestPath = path.join(outDir, `${base}.json`);
    try {
      await writeJsonAtomic(manifestPath, manifest);
    } catch (e) {
      await unlink(saved.modelPath).catch(() => undefined);
      await unlink(saved.dataPath).catch(() => undefined);
      throw new NativeModelError('internal', `Could not write ${manifestPath}: ${(e as Error).message}`, { file: manifestPath });
    }
    return { modelPath: saved.modelPath, dataPath: saved.dataPath, manifestPath, bytes: saved.bytes, manifest };
  } catch (e) {
    g?.discard();
    throw e;
  } finally {
    await ckpt.close();
  }
}
