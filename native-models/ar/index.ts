/**
 * The AR graph of GLM-Image (vision_language_encoder/, GlmImageForConditionalGeneration's text
 * decoder + lm_head), one graph for prefill and decode, batch 1:
 *
 *   inputs   input_ids              int64   [1, seq]
 *            position_ids           int32   [3, 1, seq]     (t, h, w) per token, host-computed
 *            seqlens_k              int32   [1]             past + seq - 1
 *            total_sequence_length  int32   []              past + seq
 *            past_key.{l}           kv      [1, kv_heads, past, head_dim]   (past = 0 at prefill)
 *            past_value.{l}         kv      [1, kv_heads, past, head_dim]
 *   outputs  logits                 float32 [1, vision_vocab]   logits of the LAST position only
 *                                          ([1, seq, vision_vocab] with logits: 'all')
 *            present_key.{l}, present_value.{l}  kv [1, kv_heads, past + seq, head_dim]
 *
 * kv is float32, or float16 with `kv: 'fp16'` (then the attention computes in fp16). The lengths
 * are inputs rather than computed from shapes in the graph: shape arithmetic on int64 has no GPU
 * kernels and would pull nodes onto the CPU. Every size comes from config.json; weights are checked
 * against it before anything is written. Norms, the mRoPE angles and the residual stream stay
 * float32 at every precision; `precision` applies to the linear layers (fp16: fp16 weights;
 * int4/int8: MatMulNBits) and to the embedding table (fp16; int4/int8: GatherBlockQuantized, same
 * blocks). Layer structure (fused ops): layer.ts.
 */
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { NativeModelError } from '../errors';
import { Compute, GraphBuilder, quantizeBlockwise, rmsNorm, toFloat16, type ComputePrecision, type WeightPrecision } from '../onnx';
import { SafetensorsCheckpoint } from '../safetensors';
import { AR_WEIGHT_PREFIX, checkArWeights, readArConfig, type ArConfig } from './config';
import { skipRmsNorm } from './fused';
import { buildLinear, decoderLayer, type KvPrecision, type LinearSettings } from './layer';
import { mropeTables } from './rope';
import { writeJsonAtomic } from '../atomic-write';

export { readArConfig, expectedArWeights, checkArWeights, type ArConfig } from './config';
export { inverseFrequencies, mropeAxisMap } from './rope';
export type { KvPrecision } from './layer';

/** Interface version of the graph (ar.json `version`): 2 = fused ops, GroupQueryAttention, lengths as inputs. */
export const AR_GRAPH_VERSION = 2;

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
  /** KV cache and attention precision (default 'fp32'; fp16 compute implies 'fp16'). */
  kv?: KvPrecision;
  /**
   * Activation precision (default fp32). fp16: the GPU form (layer.ts says what stays fp32 and why);
   * needs fp16, int8 or int4 weights. The graph's interface is the same but for the cache (fp16).
   */
  compute?: ComputePrecision;
  /** File base name (default 'ar'): writes <base>.onnx, <base>.onnx.data, <base>.json. */
  baseName?: string;
}

export interface TensorSpec {
  name: string;
  type: 'int64' | 'int32' | 'float32' | 'float16';
  dims: Array<number | string>;
}

/** What buildAr wrote; also saved as <base>.json beside the model (the runtime reads it). */
export interface ArManifest {
  kind: 'glm-image-ar';
  version: typeof AR_GRAPH_VERSION;
  model: string;
  data: string;
  precision: WeightPrecision;
  blockSize?: number;
  embedding?: 'quantized' | 'fp16';
  logits: 'last' | 'all';
  kv: KvPrecision;
  compute: ComputePrecision;
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
  seqlensK: 'seqlens_k',
  totalLength: 'total_sequence_length',
  logits: 'logits',
  pastKey: (l: number) => `past_key.${l}`,
  pastValue: (l: number) => `past_value.${l}`,
  presentKey: (l: number) => `present_key.${l}`,
  presentValue: (l: number) => `present_value.${l}`,
} as const;

function ioSpecs(c: ArConfig, logits: 'last' | 'all', kvPrecision: KvPrecision): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const kvType = kvPrecision === 'fp16' ? 'float16' : 'float32';
  const kv = (name: string, len: string): TensorSpec => ({ name, type: kvType, dims: [1, c.numKvHeads, len, c.headDim] });
  const inputs: TensorSpec[] = [
    { name: AR_IO.inputIds, type: 'int64', dims: [1, 'seq'] },
    { name: AR_IO.positionIds, type: 'int32', dims: [3, 1, 'seq'] },
    { name: AR_IO.seqlensK, type: 'int32', dims: [1] },
    { name: AR_IO.totalLength, type: 'int32', dims: [] },
  ];
  const outputs: TensorSpec[] = [
    { name: AR_IO.logits, type: 'float32', dims: logits === 'last' ? [1, c.visionVocabSize] : [1, 'seq', c.visionVocabSize] },
  ];
  for (let l = 0; l < c.numLayers; l++) {
    inputs.push(kv(AR_IO.pastKey(l), 'past'), kv(AR_IO.pastValue(l), 'past'));
    outputs.push(kv(AR_IO.presentKey(l), 'total'), kv(AR_IO.presentValue(l), 'total'));
  }
  return { inputs, outputs };
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
  if (opts.compute === 'fp16' && opts.precision === 'fp32') {
    throw new NativeModelError('bad_request', 'The AR cannot compute in fp16 with fp32 weights: store them as fp16, int8 or int4.');
  }
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
    const compute = opts.compute ?? 'fp32';
    const kv = compute === 'fp16' ? 'fp16' : (opts.kv ?? 'fp32');
    const cp = new Compute(g, compute);
    const io = ioSpecs(config, logits, kv);
    for (const i of io.inputs) g.input(i.name, i.type, i.dims);
    const s: LinearSettings = { precision: opts.precision, blockSize: opts.blockSize, accuracyLevel: opts.accuracyLevel, compute };
    const gamma = async (name: string, label: string) => g!.initializer(label, await ckpt.readFloat32(`${AR_WEIGHT_PREFIX}${name}.weight`), [config.hiddenSize]);

    let rope = mropeTables(g, AR_IO.positionIds, config);
    if (kv === 'fp16') {
      const half = (x: string, name: string) => g!.op('Cast', [x], { to: 10 }, { name });
      rope = { ...rope, cos: half(rope.cos, 'rope.cos_fp16'), sin: half(rope.sin, 'rope.sin_fp16') };
    }
    let residual = await embedding(g, ckpt, config, AR_IO.inputIds, opts.precision, opts.blockSize ?? 32, opts.embedding !== 'fp16');
    let normed = rmsNorm(g, residual, await gamma('layers.0.input_layernorm', 'layer0.input_layernorm.weight'), config.rmsNormEps, { name: 'layer0.input_layernorm' });
    const presents: Array<[string, string]> = [];
    for (let l = 0; l < config.numLayers; l++) {
      const out = await decoderLayer(
        g,
        ckpt,
        config,
        l,
        {
          residual,
          normed,
          rope,
          pastKey: AR_IO.pastKey(l),
          pastValue: AR_IO.pastValue(l),
          seqlensK: AR_IO.seqlensK,
          totalLength: AR_IO.totalLength,
        },
        s,
        kv,
      );
      // the MLP's residual add, fused with the norm after it: the next layer's input norm, or the final one
      const next =
        l + 1 === config.numLayers
          ? { weight: 'norm', name: 'final_norm' }
          : { weight: `layers.${l + 1}.input_layernorm`, name: `layer${l + 1}.input_layernorm` };
      const fused = skipRmsNorm(g, out.branch, out.residual, await gamma(next.weight, `${next.name}.weight`), config.rmsNormEps, next.name);
      normed = fused.normed;
      residual = fused.sum;
      presents.push([out.presentKey, out.presentValue]);
    }
    // 'last': one Gather of the last position, [1, H]
    const hidden = logits === 'last' ? g.op('Gather', [normed, g.constInt64([-1], [])], { axis: 1 }, { name: 'last_position' }) : normed;
    const out = cp.toFloat32(await buildLinear(g, ckpt, cp.fromFloat32(hidden, 'lm_head.in_half'), 'lm_head', config.visionVocabSize, config.hiddenSize, false, s, 'lm_head'), 'logits_fp32');

    g.output(out, 'float32', io.outputs[0].dims, AR_IO.logits);
    const kvType = kv === 'fp16' ? 'float16' : 'float32';
    presents.forEach(([k, v], l) => {
      g!.output(k, kvType, io.outputs[1 + 2 * l].dims, AR_IO.presentKey(l));
      g!.output(v, kvType, io.outputs[2 + 2 * l].dims, AR_IO.presentValue(l));
    });
    const saved = await g.save(outDir, base);
    const manifest: ArManifest = {
      kind: 'glm-image-ar',
      version: AR_GRAPH_VERSION,
      model: path.basename(saved.modelPath),
      data: path.basename(saved.dataPath),
      precision: opts.precision,
      ...(opts.precision === 'int4' || opts.precision === 'int8' ? { blockSize: opts.blockSize ?? 32, embedding: opts.embedding ?? 'quantized' } : {}),
      logits,
      kv,
      compute,
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
