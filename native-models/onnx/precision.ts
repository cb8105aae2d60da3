/**
 * Weight precision, in one place: how a linear layer (PyTorch weight layout [out, in]) becomes ONNX,
 * for each compute precision (compute.ts) of its input x:
 *
 *   weights   fp32 compute (x float32)                     fp16 compute (x float16)
 *   fp32      MatMul(x, Wᵀ)                                not allowed: use an fp32 island
 *   fp16      fp16 Wᵀ → Cast(float) → MatMul               MatMul(x, Wᵀ) with Wᵀ fp16
 *             (onnxruntime folds the Cast into an fp32
 *             copy at load: fp16 saves disk, not memory)
 *   int8/int4 com.microsoft MatMulNBits, float32 scales    MatMulNBits, float16 scales
 *             block-wise asymmetric quantisation along K (bits 8 / 4); weights stay packed in memory
 *
 * The bias, when there is one, has the compute type.
 */
import { fromFloat16, toFloat16 } from '../float16';
import type { GraphBuilder } from './builder';
import type { ComputePrecision } from './compute';

export { toFloat16, fromFloat16 };

export type WeightPrecision = 'fp32' | 'fp16' | 'int8' | 'int4';

export const WEIGHT_PRECISIONS: readonly WeightPrecision[] = ['fp32', 'fp16', 'int8', 'int4'];

export interface LinearOptions {
  /** MatMulNBits block size along K: a power of two, 16..256 (default 32). */
  blockSize?: number;
  /**
   * MatMulNBits accuracy_level: 0 = unset (fp32 compute on CPU), 1 fp32, 2 fp16, 3 bf16, 4 int8
   * (activations quantised too: fastest on CPU, least exact). Default 0.
   */
  accuracyLevel?: number;
  /** Symmetric quantisation (no zero_points input; the runtime's default zero point 2^(bits-1)). */
  symmetric?: boolean;
  /** Element type of x and of the result: fp32 (float32, default) or fp16 (float16). */
  compute?: ComputePrecision;
}

/** Weight [out, in] → its transpose [in, out]. */
export function transposeWeight(weight: Float32Array, outFeatures: number, inFeatures: number): Float32Array {
  const t = new Float32Array(weight.length);
  for (let o = 0; o < outFeatures; o++) {
    const row = o * inFeatures;
    for (let i = 0; i < inFeatures; i++) t[i * outFeatures + o] = weight[row + i];
  }
  return t;
}

export interface BlockQuantized {
  bits: 4 | 8;
  blockSize: number;
  nBlocks: number;
  /** [N, nBlocks, blockSize * bits / 8], codes packed low bits first along K. */
  packed: Uint8Array;
  /** [N * nBlocks] */
  scales: Float32Array;
  /** [N * ceil(nBlocks * bits / 8)] packed like the codes; absent when symmetric. */
  zeroPoints?: Uint8Array;
}

/**
 * Block-quantise weight [N = out, K = in] along K, in MatMulNBits layout.
 * value ≈ (code - zero_point) * scale, error at most scale / 2 per element.
 */
export function quantizeBlockwise(
  weight: Float32Array,
  N: number,
  K: number,
  bits: 4 | 8,
  blockSize: number,
  symmetric = false,
): BlockQuantized {
  if (weight.length !== N * K) throw new Error(`quantizeBlockwise: weight has ${weight.length} values, expected ${N}x${K}`);
  if (blockSize < 16 || blockSize > 256 || (blockSize & (blockSize - 1)) !== 0) {
    throw new Error(`quantizeBlockwise: block size ${blockSize} must be a power of two from 16 to 256`);
  }
  const nBlocks = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  const qmax = (1 << bits) - 1;
  const mid = 1 << (bits - 1);
  const packed = new Uint8Array(N * nBlocks * blob);
  const scales = new Float32Array(N * nBlocks);
  const zpRow = Math.ceil((nBlocks * bits) / 8);
  const zeroPoints = symmetric ? undefined : new Uint8Array(N * zpRow);
  const codes = new Uint8Array(blockSize);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < nBlocks; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      let lo = 0;
      let hi = 0;
      for (let k = k0; k < k1; k++) {
        const w = weight[n * K + k];
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      }
      let scale: number;
      let zp: number;
      if (symmetric) {
        const absmax = Math.max(-lo, hi);
        // codes 0..qmax around mid; ±absmax land half a step inside the range, so every error is ≤ scale / 2
        scale = Math.fround(absmax / (mid - 0.5));
        zp = mid;
      } else {
        scale = Math.fround((hi - lo) / qmax);
        zp = scale === 0 ? 0 : Math.min(qmax, Math.max(0, Math.round(-lo / scale)));
      }
      if (scale === 0) scale = 1; // all-zero block: any scale, codes = zp
      scales[n * nBlocks + b] = scale;
      codes.fill(zp);
      for (let k = k0; k < k1; k++) {
        const q = Math.round(weight[n * K + k] / scale) + zp;
        codes[k - k0] = q < 0 ? 0 : q > qmax ? qmax : q;
      }
      const base = (n * nBlocks + b) * blob;
      if (bits === 8) packed.set(codes, base);
      else for (let j = 0; j < blob; j++) packed[base + j] = codes[2 * j] | (codes[2 * j + 1] << 4);
      if (zeroPoints) {
        if (bits === 8) zeroPoints[n * zpRow + b] = zp;
        else zeroPoints[n * zpRow + (b >> 1)] |= (b & 1) === 0 ? zp : zp << 4;
      }
    }
  }
  return { bits, blockSize, nBlocks, packed, scales, zeroPoints };
}

/** Inverse of quantizeBlockwise: weight [N, K] as the runtime sees it. */
export function dequantizeBlockwise(q: BlockQuantized, N: number, K: number): Float32Array {
  const out = new Float32Array(N * K);
  const blob = (q.blockSize * q.bits) / 8;
  const zpRow = Math.ceil((q.nBlocks * q.bits) / 8);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < q.nBlocks; b++) {
      const scale = q.scales[n * q.nBlocks + b];
      let zp = 1 << (q.bits - 1);
      if (q.zeroPoints) {
        zp = q.bits === 8 ? q.zeroPoints[n * zpRow + b] : (q.zeroPoints[n * zpRow + (b >> 1)] >> ((b & 1) * 4)) & 15;
      }
      for (let k = b * q.blockSize; k < Math.min(K, (b + 1) * q.blockSize); k++) {
        const j = k - b * q.blockSize;
        const byte = q.packed[(n * q.nBlocks + b) * blob + (q.bits === 8 ? j : j >> 1)];
        const code = q.bits === 8 ? byte : (byte >> ((j & 1) * 4)) & 15;
        out[n * K + k] = (code - zp) * scale;
      }
    }
  }
  return out;
}

/**
 * y = x W^T + b for x [..., inFeatures]; weight in PyTorch layout [outFeatures, inFeatures].
 * Returns the output value name ([..., outFeatures], of x's type: `opts.compute`).
 */
export function linear(
  g: GraphBuilder,
  x: string,
  name: string,
  weight: Float32Array,
  outFeatures: number,
  inFeatures: number,
  bias: Float32Array | undefined,
  precision: WeightPrecision,
  opts: LinearOptions = {},
): string {
  if (weight.length !== outFeatures * inFeatures) {
    throw new Error(`linear ${name}: weight has ${weight.length} values, expected ${outFeatures}x${inFeatures}`);
  }
  if (bias && bias.length !== outFeatures) throw new Error(`linear ${name}: bias has ${bias.length} values, expected ${outFeatures}`);
  const half = opts.compute === 'fp16';
  let y: string;
  switch (precision) {
    case 'fp32': {
      if (half) throw new Error(`linear ${name}: fp32 weights need fp32 compute; compute this layer in an fp32 island or store it as fp16`);
      const w = g.initializer(`${name}.weight_t`, transposeWeight(weight, outFeatures, inFeatures), [inFeatures, outFeatures]);
      y = g.op('MatMul', [x, w], {}, { name: `${name}.matmul` });
      break;
    }
    case 'fp16': {
      const w16 = g.initializer(
        `${name}.weight_t_fp16`,
        toFloat16(transposeWeight(weight, outFeatures, inFeatures)),
        [inFeatures, outFeatures],
        'float16',
      );
      const w = half ? w16 : g.op('Cast', [w16], { to: 1 }, { name: `${name}.weight_cast` });
      y = g.op('MatMul', [x, w], {}, { name: `${name}.matmul` });
      break;
    }
    case 'int8':
    case 'int4': {
      const bits = precision === 'int8' ? 8 : 4;
      const blockSize = opts.blockSize ?? 32;
      const q = quantizeBlockwise(weight, outFeatures, inFeatures, bits, blockSize, opts.symmetric ?? false);
      const blob = (blockSize * bits) / 8;
      const B = g.initializer(`${name}.qweight`, q.packed, [outFeatures, q.nBlocks, blob], 'uint8');
      const S = half
        ? g.initializer(`${name}.scales`, toFloat16(q.scales), [outFeatures * q.nBlocks], 'float16')
        : g.initializer(`${name}.scales`, q.scales, [outFeatures * q.nBlocks]);
      const inputs = [x, B, S];
      if (q.zeroPoints) inputs.push(g.initializer(`${name}.zero_points`, q.zeroPoints, [q.zeroPoints.length], 'uint8'));
      const attrs: Record<string, number> = { K: inFeatures, N: outFeatures, bits, block_size: blockSize };
      if (opts.accuracyLevel !== undefined) attrs.accuracy_level = opts.accuracyLevel;
      y = g.op('MatMulNBits', inputs, attrs, { domain: 'com.microsoft', name: `${name}.matmul_nbits` });
      break;
    }
    default:
      throw new Error(`linear ${name}: unknown precision ${String(precision)}`);
  }
  if (bias) {
    const b = half ? g.initializer(`${name}.bias`, toFloat16(bias), [outFeatures], 'float16') : g.initializer(`${name}.bias`, bias, [outFeatures]);
    y = g.op('Add', [y, b], {}, { name: `${name}.bias_add` });
  }
  return y;
}
