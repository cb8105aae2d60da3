/**
 * Pixels in and out of the VAE, as diffusers' GlmImagePipeline + VaeImageProcessor do it:
 *  - in: the reference is floored to a multiple of (vae scale factor * DiT patch size), resized there
 *    with PIL's Lanczos (only when the size changes), scaled to [0,1] (x/255 in float32) and to
 *    [-1,1] (2x - 1), laid out NCHW [1, 3, H, W].
 *  - out: NCHW in [-1,1] → clamp(x/2 + 0.5, 0, 1) → HWC float [0,1] → round(x*255) uint8.
 */
import { resample, type RgbImage } from './resample';

export interface VaeInput {
  /** [1, 3, height, width] float32 in [-1, 1]. */
  data: Float32Array;
  width: number;
  height: number;
}

/** The size the pipeline gives a reference image for the VAE: each side floored to a multiple. */
export function vaeInputSize(width: number, height: number, multipleOf: number): { width: number; height: number } {
  return { width: Math.floor(width / multipleOf) * multipleOf, height: Math.floor(height / multipleOf) * multipleOf };
}

export function vaeInputFromImage(image: RgbImage, multipleOf: number): VaeInput {
  if (image.channels !== 3) throw new RangeError('vaeInputFromImage expects an RGB image');
  const size = vaeInputSize(image.width, image.height, multipleOf);
  if (size.width <= 0 || size.height <= 0) {
    throw new RangeError(`image ${image.width}x${image.height} is smaller than ${multipleOf} pixels`);
  }
  const img = resample(image, size.width, size.height, 'pil-lanczos');
  const { width: W, height: H } = img;
  const plane = W * H;
  const out = new Float32Array(3 * plane);
  const f = Math.fround;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const unit = f(img.data[i * 3 + c]! / 255);
      out[c * plane + i] = f(f(2 * unit) - 1);
    }
  }
  return { data: out, width: W, height: H };
}

export interface DecodedPixels {
  /** HWC float32 in [0, 1] (the pipeline's output_type="np"). */
  float: Float32Array;
  /** HWC uint8 RGB. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** VAE output [1, 3, H, W] in [-1, 1] → HWC [0, 1] float and uint8. */
export function pixelsFromVaeOutput(nchw: Float32Array, width: number, height: number): DecodedPixels {
  const plane = width * height;
  if (nchw.length !== 3 * plane) throw new RangeError(`VAE output has ${nchw.length} values, expected 3x${height}x${width}`);
  const float = new Float32Array(plane * 3);
  const rgb = new Uint8Array(plane * 3);
  const f = Math.fround;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      let v = f(f(nchw[c * plane + i]! / 2) + 0.5);
      v = v < 0 ? 0 : v > 1 ? 1 : v;
      float[i * 3 + c] = v;
      // numpy: (img * 255).round() — half to even on the float32 product
      const s = f(v * 255);
      const r = Math.round(s);
      rgb[i * 3 + c] = r - s === 0.5 && r % 2 === 1 ? r - 1 : r;
    }
  }
  return { float, rgb, width, height };
}
