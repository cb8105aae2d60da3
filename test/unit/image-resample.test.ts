/**
 * The fixed-point resamplers against an independent float64 separable convolution written here
 * (same kernels, no integer rounding): every pixel within 1 level; plus identity, constant images,
 * and the patch layout of the processor's pixel_values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageProcessorConfig, patchifyReference, resample, type ResampleKernel, type RgbImage } from '../../main/engine/image';

function kernelFn(k: ResampleKernel): { f: (x: number) => number; support: number } {
  if (k === 'pil-lanczos') {
    const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
    return { f: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0), support: 3 };
  }
  // Keys cubic, a = -0.5
  return {
    f: (x) => {
      const t = Math.abs(x);
      return t < 1 ? 1.5 * t ** 3 - 2.5 * t ** 2 + 1 : t < 2 ? -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2 : 0;
    },
    support: 2,
  };
}

/** One axis in float64: the antialiased convolution (filter widened by the scale when shrinking), clamped windows, normalised weights. */
function axisFloat(src: Float64Array, n: number, stride: number, count: number, inSize: number, outSize: number, k: ResampleKernel, step: number): Float64Array {
  const { f, support } = kernelFn(k);
  const scale = inSize / outSize;
  const fs = Math.max(scale, 1);
  const out = new Float64Array(count * outSize);
  for (let line = 0; line < count; line++) {
    for (let i = 0; i < outSize; i++) {
      const c = (i + 0.5) * scale;
      const lo = Math.max(0, Math.trunc(c - support * fs + 0.5));
      const hi = Math.min(inSize, Math.trunc(c + support * fs + 0.5));
      let acc = 0;
      let wsum = 0;
      for (let j = lo; j < hi; j++) {
        const w = f((j - c + 0.5) / fs);
        acc += w * src[line * stride + j * step]!;
        wsum += w;
      }
      out[line * outSize + i] = acc / wsum;
    }
  }
  void n;
  return out;
}

function floatResize(img: RgbImage, ow: number, oh: number, k: ResampleKernel): Float64Array {
  const { width: w, height: h } = img;
  const res = new Float64Array(ow * oh * 3);
  for (let c = 0; c < 3; c++) {
    const plane = Float64Array.from({ length: w * h }, (_, i) => img.data[i * 3 + c]!);
    // horizontal: lines are rows; then round/clamp like the 8-bit intermediate
    const hpass = ow === w ? plane : axisFloat(plane, w, w, h, w, ow, k, 1).map((v) => Math.min(255, Math.max(0, Math.round(v))));
    // vertical: lines are columns of the [h, ow] intermediate
    let vpass: Float64Array;
    if (oh === h) vpass = hpass;
    else {
      const cols = axisFloat(hpass, ow, 1, ow, h, oh, k, ow); // [ow][oh]
      vpass = new Float64Array(ow * oh);
      for (let x = 0; x < ow; x++) for (let y = 0; y < oh; y++) vpass[y * ow + x] = cols[x * oh + y]!;
    }
    for (let i = 0; i < ow * oh; i++) res[i * 3 + c] = vpass[i]!;
  }
  return res;
}

function testImage(w: number, h: number, seed: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const x = Math.floor(i / 3) % w;
    data[i] = (x * 5 + ((s >>> 16) % 40)) % 256;
  }
  return { data, width: w, height: h, channels: 3 };
}

test('fixed-point resampling is within rounding of a float64 convolution (down and up, every kernel)', () => {
  const kernels: ResampleKernel[] = ['torch-bicubic', 'pil-bicubic', 'pil-lanczos'];
  const sizes: [number, number, number, number][] = [
    [64, 48, 32, 24],
    [100, 70, 64, 48],
    [37, 53, 16, 16],
    [30, 20, 61, 47],
    [48, 48, 48, 32],
  ];
  for (const k of kernels) {
    for (const [w, h, ow, oh] of sizes) {
      const img = testImage(w, h, w * 31 + h);
      const out = resample(img, ow, oh, k);
      assert.deepEqual([out.width, out.height, out.channels], [ow, oh, 3]);
      const ref = floatResize(img, ow, oh, k);
      let worst = 0;
      let sum = 0;
      for (let i = 0; i < ref.length; i++) {
        const d = Math.abs(out.data[i]! - Math.min(255, Math.max(0, ref[i]!)));
        worst = Math.max(worst, d);
        sum += d;
      }
      // integer weights + the 8-bit intermediate: a 1-level intermediate difference can grow by the
      // filter's sum of |weights| (< 1.3) in the second pass, plus the final rounding
      assert.ok(worst < 2, `${k} ${w}x${h}->${ow}x${oh}: max diff ${worst}`);
      assert.ok(sum / ref.length < 0.3, `${k} ${w}x${h}->${ow}x${oh}: mean diff ${sum / ref.length}`);
    }
  }
});

test('same size is a copy; a constant image stays constant', () => {
  const img = testImage(20, 12, 7);
  const same = resample(img, 20, 12, 'pil-lanczos');
  assert.deepEqual(same.data, img.data);
  assert.notEqual(same.data, img.data, 'a copy, not the same buffer');
  const flat: RgbImage = { data: new Uint8Array(30 * 20 * 3).fill(173), width: 30, height: 20, channels: 3 };
  for (const k of ['torch-bicubic', 'pil-lanczos'] as const) {
    for (const [ow, oh] of [[15, 10], [61, 41]]) assert.ok(resample(flat, ow!, oh!, k).data.every((v) => v === 173), `${k} ${ow}x${oh}`);
  }
});

test('pixel_values layout: patches row-major, each (C, py, px), normalised with mean/std', () => {
  // small limits so that a 32x16 image is processed at half resolution (16x8) into 4-px patches
  const cfg = parseImageProcessorConfig({
    size: { shortest_edge: 16 * 16, longest_edge: 64 * 64 },
    patch_size: 4,
    temporal_patch_size: 1,
    merge_size: 1,
    image_mean: [0.5, 0.25, 0],
    image_std: [0.5, 0.25, 1],
    resample: 3,
  });
  const W = 32;
  const H = 16; // → half 16x8, factor 4 → grid 2x4
  const image = testImage(W, H, 3);
  const p = patchifyReference(image, cfg);
  const half = resample(image, W / 2, H / 2, 'torch-bicubic');
  assert.deepEqual(p.grid, [1, 2, 4]);
  assert.equal(p.patchDim, 3 * 4 * 4);
  const f = Math.fround;
  for (let n = 0; n < 8; n++) {
    const gy = Math.floor(n / 4);
    const gx = n % 4;
    for (let c = 0; c < 3; c++) {
      for (let py = 0; py < 4; py++) {
        for (let px = 0; px < 4; px++) {
          const X = gx * 4 + px;
          const Y = gy * 4 + py;
          const v = half.data[(Y * (W / 2) + X) * 3 + c]!;
          const mean = [0.5, 0.25, 0][c]! * 255;
          const std = [0.5, 0.25, 1][c]! * 255;
          const got = p.pixelValues[n * 48 + c * 16 + py * 4 + px]!;
          assert.ok(Math.abs(got - f((v - f(mean)) / f(std))) < 1e-6, `patch ${n} c${c} (${py},${px}): ${got}`);
        }
      }
    }
  }
});
