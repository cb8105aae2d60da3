/**
 * Separable 8-bit image resampling with fixed-point coefficients, in the two flavours the reference
 * stack uses. Both work the same way (the "PIL" scheme, also followed by torch's uint8 antialiased
 * interpolation): per output column/row, a window of input pixels around
 * center = (i + 0.5) * scale, weights filter((j + xmin - center + 0.5) / max(scale, 1)) normalised to
 * sum 1, turned into integers with `precision` fractional bits, accumulated from 0.5 (1 << (p-1)),
 * shifted back and clamped to 0..255. The horizontal pass runs first and is stored as uint8, then the
 * vertical pass; a pass whose size does not change is skipped.
 *
 *  - 'torch-bicubic': torch.nn.functional.interpolate(uint8, mode='bicubic', antialias=True), which is
 *    what torchvision's resize does on a uint8 CPU tensor (transformers' GlmImageImageProcessor).
 *    Cubic a = -0.5, support 2; precision = the largest p < 22 with round(maxWeight * 2^(p+1)) < 2^15.
 *  - 'pil-lanczos' / 'pil-bicubic': PIL Image.resize (diffusers' VaeImageProcessor uses Lanczos),
 *    Lanczos a = 3 or cubic a = -0.5; precision fixed at 22 bits.
 */

export type ResampleKernel = 'torch-bicubic' | 'pil-bicubic' | 'pil-lanczos';

/** An 8-bit interleaved image (HWC). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** PIL's bicubic_filter (a = -0.5), with its order of operations. */
function pilCubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** torch's antialias cubic (cubic_convolution1/2 with A = -0.5), with its order of operations. */
function torchCubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

function lanczos(x: number): number {
  return x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

interface KernelSpec {
  filter: (x: number) => number;
  support: number;
  precision: 'torch' | 'pil';
}

const KERNELS: Record<ResampleKernel, KernelSpec> = {
  'torch-bicubic': { filter: torchCubic, support: 2, precision: 'torch' },
  'pil-bicubic': { filter: pilCubic, support: 2, precision: 'pil' },
  'pil-lanczos': { filter: lanczos, support: 3, precision: 'pil' },
};

const PIL_PRECISION_BITS = 32 - 8 - 2;

/** Integer coefficients of one axis: for output i, input pixels [min[i], min[i]+size[i]) with weights. */
export interface AxisCoefficients {
  min: Int32Array;
  size: Int32Array;
  /** ksize weights per output, zero-padded. */
  weights: Int32Array;
  ksize: number;
  precision: number;
}

export function axisCoefficients(inSize: number, outSize: number, kernel: ResampleKernel): AxisCoefficients {
  const spec = KERNELS[kernel];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = spec.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const min = new Int32Array(outSize);
  const size = new Int32Array(outSize);
  const real = new Float64Array(outSize * ksize);
  const inv = 1 / filterScale;
  let wMax = 0;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    // C's (int) cast truncates toward zero; both bounds are clamped to the image.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    let xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    xsize = Math.max(0, Math.min(xsize, ksize));
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const w = spec.filter((j + xmin - center + 0.5) * inv);
      real[i * ksize + j] = w;
      total += w;
    }
    if (total !== 0) {
      for (let j = 0; j < xsize; j++) {
        real[i * ksize + j] /= total;
        if (real[i * ksize + j] > wMax) wMax = real[i * ksize + j];
      }
    }
    min[i] = xmin;
    size[i] = xsize;
  }
  let precision = PIL_PRECISION_BITS;
  if (spec.precision === 'torch') {
    for (precision = 0; precision < 22; precision++) {
      const next = Math.trunc(0.5 + wMax * 2 ** (precision + 1));
      if (next >= 1 << 15) break;
    }
  }
  const weights = new Int32Array(outSize * ksize);
  const unit = 2 ** precision;
  for (let k = 0; k < real.length; k++) {
    const v = real[k]! * unit;
    weights[k] = v < 0 ? Math.trunc(v - 0.5) : Math.trunc(v + 0.5);
  }
  return { min, size, weights, ksize, precision };
}

function clampShift(acc: number, unit: number): number {
  const v = Math.floor(acc / unit);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function horizontal(src: RgbImage, outW: number, kernel: ResampleKernel): RgbImage {
  const { width: w, height: h, channels: c } = src;
  const co = axisCoefficients(w, outW, kernel);
  const out = new Uint8Array(outW * h * c);
  const unit = 2 ** co.precision;
  const half = 2 ** (co.precision - 1);
  for (let y = 0; y < h; y++) {
    const row = y * w * c;
    for (let x = 0; x < outW; x++) {
      const xmin = co.min[x]!;
      const n = co.size[x]!;
      const wb = x * co.ksize;
      for (let ch = 0; ch < c; ch++) {
        let acc = half;
        for (let j = 0; j < n; j++) acc += src.data[row + (xmin + j) * c + ch]! * co.weights[wb + j]!;
        out[(y * outW + x) * c + ch] = clampShift(acc, unit);
      }
    }
  }
  return { data: out, width: outW, height: h, channels: c };
}

function vertical(src: RgbImage, outH: number, kernel: ResampleKernel): RgbImage {
  const { width: w, height: h, channels: c } = src;
  const co = axisCoefficients(h, outH, kernel);
  const out = new Uint8Array(w * outH * c);
  const unit = 2 ** co.precision;
  const half = 2 ** (co.precision - 1);
  const stride = w * c;
  for (let y = 0; y < outH; y++) {
    const ymin = co.min[y]!;
    const n = co.size[y]!;
    const wb = y * co.ksize;
    for (let k = 0; k < stride; k++) {
      let acc = half;
      for (let j = 0; j < n; j++) acc += src.data[(ymin + j) * stride + k]! * co.weights[wb + j]!;
      out[y * stride + k] = clampShift(acc, unit);
    }
  }
  return { data: out, width: w, height: outH, channels: c };
}

/** Resize an 8-bit image to (outWidth, outHeight) with the given reference kernel. */
export function resample(src: RgbImage, outWidth: number, outHeight: number, kernel: ResampleKernel): RgbImage {
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth <= 0 || outHeight <= 0) {
    throw new RangeError(`resample: bad output size ${outWidth}x${outHeight}`);
  }
  let img = src;
  if (outWidth !== img.width) img = horizontal(img, outWidth, kernel);
  if (outHeight !== img.height) img = vertical(img, outHeight, kernel);
  return img === src ? { ...src, data: new Uint8Array(src.data) } : img;
}
