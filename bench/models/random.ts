/**
 * Random weights for benchmark checkpoints: fp16 uniform noise at a per-tensor scale, written as
 * safetensors shards (one group at a time, so a 9 B model never sits in memory at once). Numbers
 * are kept in a sane range (1/sqrt(fan-in) for weights, ones for norm scales) so no NaN/inf or
 * denormal slows a timing down.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { float32ToHalfBits } from '../../native-models/float16';
import { writeSafetensors, type TensorToWrite } from '../../native-models/safetensors';

const LEVELS = 4096;

/** fp16 bit patterns of LEVELS values evenly spread over [-1, 1] scaled by `scale`. */
function levels(scale: number): Uint16Array {
  const t = new Uint16Array(LEVELS);
  for (let i = 0; i < LEVELS; i++) t[i] = float32ToHalfBits(((i + 0.5) / LEVELS - 0.5) * 2 * scale);
  return t;
}

/** n fp16 values, uniform in [-scale, scale] (xorshift32 picks among 4096 levels), deterministic in `seed`. */
export function uniformHalf(n: number, scale: number, seed: number): Uint16Array {
  const table = levels(scale);
  const out = new Uint16Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = table[(s >>> 0) & (LEVELS - 1)];
  }
  return out;
}

export function constantHalf(n: number, value: number): Uint16Array {
  return new Uint16Array(n).fill(float32ToHalfBits(value));
}

const NORM_SCALE = /(^|\.)(norm\d?|[a-z_]*layernorm|layer_norm|final_layer_norm|conv_norm_out|group_norm|norm)\.weight$/;
const NORM_SHIFT = /(^|\.)(norm\d?|[a-z_]*layernorm|layer_norm|conv_norm_out|group_norm)\.bias$/;

/** A tensor's random contents by its role (name and shape). */
export function randomTensor(name: string, shape: number[], seed: number): TensorToWrite {
  const n = shape.reduce((a, b) => a * b, 1);
  let data: Uint16Array;
  if (shape.length === 1 && NORM_SCALE.test(name)) data = constantHalf(n, 1);
  else if (shape.length === 1 && NORM_SHIFT.test(name)) data = constantHalf(n, 0);
  else if (shape.length === 1) data = uniformHalf(n, 0.01, seed); // biases
  else if (/(embed_tokens|embedding|shared|relative_attention_bias)\.weight$/.test(name)) data = uniformHalf(n, 0.5, seed); // lookup tables
  else {
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    data = uniformHalf(n, 1 / Math.sqrt(fanIn), seed);
  }
  return { dtype: 'F16', shape, data };
}

export interface ShardGroup {
  /** Shard name stem (a file `<stem>.safetensors` is written). */
  stem: string;
  tensors: Array<[string, number[]]>;
}

/**
 * Writes `groups` as shards in `dir`, each group built and written on its own. Returns the bytes
 * written and the weight map (tensor name → shard file) for the folder's index.
 */
export async function writeRandomShards(dir: string, groups: ShardGroup[], firstSeed = 1): Promise<{ bytes: number; weightMap: Record<string, string> }> {
  mkdirSync(dir, { recursive: true });
  const weightMap: Record<string, string> = {};
  let seed = firstSeed;
  let bytes = 0;
  for (const g of groups) {
    const file = `${g.stem}.safetensors`;
    const part: Record<string, TensorToWrite> = {};
    for (const [name, shape] of g.tensors) {
      part[name] = randomTensor(name, shape, Math.imul(seed++, 2654435761));
      bytes += part[name].data.byteLength;
      weightMap[name] = file;
    }
    await writeSafetensors(path.join(dir, file), part, { format: 'pt' });
  }
  return { bytes, weightMap };
}

/** `<indexBase>.safetensors.index.json` over the given weight map. */
export function writeIndex(dir: string, indexBase: string, weightMap: Record<string, string>): void {
  writeFileSync(path.join(dir, `${indexBase}.safetensors.index.json`), JSON.stringify({ metadata: {}, weight_map: weightMap }));
}

/** Groups tensors into shards of at most ~`maxBytes` (fp16) each, in order. */
export function shardBySize(stem: string, tensors: Array<[string, number[]]>, maxBytes = 1 << 30): ShardGroup[] {
  const groups: ShardGroup[] = [];
  let cur: Array<[string, number[]]> = [];
  let size = 0;
  for (const t of tensors) {
    const b = t[1].reduce((a, c) => a * c, 1) * 2;
    if (cur.length > 0 && size + b > maxBytes) {
      groups.push({ stem: `${stem}-${String(groups.length + 1).padStart(5, '0')}`, tensors: cur });
      cur = [];
      size = 0;
    }
    cur.push(t);
    size += b;
  }
  if (cur.length > 0) groups.push({ stem: `${stem}-${String(groups.length + 1).padStart(5, '0')}`, tensors: cur });
  return groups;
}
