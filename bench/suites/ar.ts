/**
 * AR benchmark: prefill and decode tokens/s and peak memory of the compiled AR graph per precision.
 *   tiny  — the fixture checkpoint (2 layers, hidden 64)
 *   small — a random-weight GLM-Image-shaped decoder of about 0.5 B parameters (head_dim 128, 2 KV
 *           heads, mrope [8,12,12], lm_head 16512), written as fp16 shards
 *   full  — the real 9 B shape with random weights (GPU machines only; 18 GB of fp16 weights)
 * Beside each figure: the bound the machine allows (decode: weight bytes per token over the measured
 * weight-streaming bandwidth; prefill: 2 x params FLOP per token over the measured matmul rate).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArModel } from '../../main/engine/ar';
import { Positions3D } from '../../main/engine/processor';
import { buildAr, expectedArWeights, readArConfig, type ArConfig } from '../../native-models/ar';
import type { WeightPrecision } from '../../native-models/onnx';
import { toFloat16 } from '../../native-models/float16';
import { writeSafetensors, type TensorToWrite } from '../../native-models/safetensors';
import { checkpointDir } from '../../test/helpers/fixtures';
import { figure, peakRss, timeMs, type Figure } from '../harness';
import type { SuiteContext } from './index';

interface DecoderShape {
  hidden: number;
  layers: number;
  heads: number;
  kv: number;
  inter: number;
  textVocab: number;
}

const SHAPES: Record<'small' | 'full', DecoderShape> = {
  small: { hidden: 1536, layers: 16, heads: 12, kv: 2, inter: 4096, textVocab: 16384 },
  full: { hidden: 4096, layers: 40, heads: 32, kv: 2, inter: 13696, textVocab: 151552 },
};

/** Fast deterministic uniform noise in [-a, a] (xorshift32), good enough for timing. */
function noise(n: number, a: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296 - 0.5) * 2 * a;
  }
  return out;
}

async function randomCheckpoint(dir: string, shape: DecoderShape): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const visionVocab = 16512;
  const config = {
    architectures: ['GlmImageForConditionalGeneration'],
    image_start_token_id: 16384,
    image_end_token_id: 16385,
    image_token_id: visionVocab + 1,
    text_config: {
      hidden_size: shape.hidden,
      num_hidden_layers: shape.layers,
      num_attention_heads: shape.heads,
      num_key_value_heads: shape.kv,
      intermediate_size: shape.inter,
      vocab_size: visionVocab + shape.textVocab,
      vision_vocab_size: visionVocab,
      rms_norm_eps: 1e-5,
      attention_bias: true,
      hidden_act: 'silu',
      eos_token_id: 16385,
      rope_parameters: { rope_type: 'default', rope_theta: 10000, partial_rotary_factor: 0.5, mrope_section: [8, 12, 12] },
    },
    vq_config: { num_embeddings: 16384 },
  };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const c = readArConfig(dir);
  // one shard per layer (plus one for the rest), written one at a time to bound memory
  const groups = new Map<string, string[]>();
  for (const name of expectedArWeights(c).keys()) {
    const m = /layers\.(\d+)\./.exec(name);
    const key = m ? `layer${m[1]}` : 'rest';
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  const shapes = expectedArWeights(c);
  const weightMap: Record<string, string> = {};
  let seed = 1;
  const keys = [...groups.keys()];
  for (let i = 0; i < keys.length; i++) {
    const file = `model-${String(i + 1).padStart(5, '0')}-of-${String(keys.length).padStart(5, '0')}.safetensors`;
    const part: Record<string, TensorToWrite> = {};
    for (const name of groups.get(keys[i])!) {
      const dims = shapes.get(name)!;
      const n = dims.reduce((a, b) => a * b, 1);
      const data = name.endsWith('norm.weight') ? new Float32Array(n).fill(1) : noise(n, 0.04, seed++);
      part[name] = { dtype: 'F16', shape: dims, data: toFloat16(data) };
      weightMap[name] = file;
    }
    await writeSafetensors(path.join(dir, file), part);
  }
  writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
}

function nonEmbeddingParams(c: ArConfig): number {
  let n = 0;
  for (const [name, dims] of expectedArWeights(c)) if (!name.endsWith('embed_tokens.weight')) n += dims.reduce((a, b) => a * b, 1);
  return n;
}

export async function runArBench(ctx: SuiteContext): Promise<Figure[]> {
  if (ctx.config === 'full' && ctx.provider === 'cpu') {
    console.log('ar (full) skipped: the 9 B shape needs a GPU provider (about 18 GB of weights even at fp16)');
    return [];
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-ar-'));
  const figures: Figure[] = [];
  try {
    let componentDir: string;
    if (ctx.config === 'tiny') {
      componentDir = path.join(checkpointDir(), 'vision_language_encoder');
    } else {
      componentDir = path.join(work, 'checkpoint');
      const t0 = performance.now();
      await randomCheckpoint(componentDir, SHAPES[ctx.config]);
      console.log(`ar: random ${ctx.config} checkpoint written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const c = readArConfig(componentDir);
    const params = nonEmbeddingParams(c);
    const prompt = ctx.config === 'tiny' ? 32 : 256;
    const decodeTokens = ctx.config === 'tiny' ? 64 : 32;
    const precisions = (ctx.precisions ?? ['fp32', 'fp16', 'int4']) as WeightPrecision[];
    const common = { provider: ctx.provider, config: ctx.config };
    console.log(`ar: ${(params / 1e9).toFixed(3)} B non-embedding parameters, prompt ${prompt} tokens, ${decodeTokens} decode tokens`);
    for (const precision of precisions) {
      const out = path.join(work, precision);
      const tb = performance.now();
      const built = await buildAr(componentDir, out, { precision, blockSize: 32 });
      const buildS = (performance.now() - tb) / 1000;
      const weightBytes = statSync(built.dataPath).size;
      const embedBytes = c.vocabSize * c.hiddenSize * (precision === 'fp32' ? 4 : 2);
      const streamed = Math.max(1, weightBytes - embedBytes); // a decode token reads every weight but the embedding table once
      const ids = Array.from({ length: prompt }, (_, i) => 16512 + (i % 1000));
      const pos = new Positions3D(
        ids.map((_, i) => i),
        ids.map((_, i) => i),
        ids.map((_, i) => i),
      );
      const { result, peakBytes } = await peakRss(async () => {
        const model = await ArModel.load(built.manifestPath, { provider: ctx.provider });
        try {
          const prefillMs = await timeMs(
            async () => {
              model.reset();
              await model.forward(ids, pos);
            },
            { warmup: 1, repeats: Math.min(ctx.repeats, 3) },
          );
          model.reset();
          await model.forward(ids, pos);
          const decodeMs: number[] = [];
          for (let k = 0; k < decodeTokens; k++) {
            const p = prompt + k;
            const t0 = performance.now();
            await model.forward([k % 128], new Positions3D([p], [p], [p]));
            decodeMs.push(performance.now() - t0);
          }
          return { prefillMs, decodeMs: decodeMs.slice(2) };
        } finally {
          await model.release();
        }
      });
      const extra = { ...common, precision };
      figures.push(
        figure('ar', `prefill ${prompt} tokens`, 'tokens/s', result.prefillMs.map((ms) => (prompt * 1000) / ms), 'higher', {
          ...extra,
          limit: { value: ctx.limits.matmulFlops / (2 * params), basis: '2 x non-embedding params FLOP per token at the measured fp32 matmul rate' },
        }),
        figure('ar', 'decode', 'tokens/s', result.decodeMs.map((ms) => 1000 / ms), 'higher', {
          ...extra,
          limit: { value: ctx.limits.weightBytesPerSecond / streamed, basis: `${(streamed / 1e6).toFixed(0)} MB of weights read per token at the measured streaming bandwidth` },
        }),
        figure('ar', 'peak memory (load + prefill + decode)', 'MB', [peakBytes / 1e6], 'lower', extra),
        figure('ar', 'compile', 's', [buildS], 'lower', { ...extra, note: `${(built.bytes / 1e6).toFixed(0)} MB on disk` }),
      );
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}
