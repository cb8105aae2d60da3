/**
 * Reference images for image-to-image, made into sizes the model can take. The DiT's reference pass
 * needs the VAE token grid (side/16) to be exactly twice the AR token grid the processor gives the
 * image (side/32), which holds when both sides are multiples of 32 and the processor keeps the size
 * (GLM-Image: within 512..2048, at most 4:1). Other images are scaled (cover) and centre-cropped to the nearest
 * such size instead of failing deep in the DiT with a shape error. Images already fine are untouched.
 */
import sharp from 'sharp';
import { GlimmerError } from '../../contract';
import type { RgbImage } from '../image';
import type { GlmImageProcessor } from '../processor';

const MULTIPLE = 32;
const SHORT_MIN = 512;
const LONG_MAX = 2048;
const MAX_ASPECT = 4;

function fits(p: GlmImageProcessor, width: number, height: number): boolean {
  const g = p.referenceGrid(height, width);
  return g.h * MULTIPLE === height && g.w * MULTIPLE === width;
}

/** The size a reference of this size is given to the model. */
export function referenceSize(p: GlmImageProcessor, width: number, height: number): { width: number; height: number } {
  if (width % MULTIPLE === 0 && height % MULTIPLE === 0 && fits(p, width, height)) return { width, height };
  // more elongated than the processor's 4:1 limit: crop (cover) to 4:1
  if (width > MAX_ASPECT * height) width = MAX_ASPECT * height;
  if (height > MAX_ASPECT * width) height = MAX_ASPECT * width;
  let s = 1;
  if (Math.min(width, height) * s < SHORT_MIN) s = SHORT_MIN / Math.min(width, height);
  if (Math.max(width, height) * s > LONG_MAX) s = LONG_MAX / Math.max(width, height);
  let W = Math.max(MULTIPLE, Math.round((width * s) / MULTIPLE) * MULTIPLE);
  let H = Math.max(MULTIPLE, Math.round((height * s) / MULTIPLE) * MULTIPLE);
  while (W > MAX_ASPECT * H) W -= MULTIPLE;
  while (H > MAX_ASPECT * W) H -= MULTIPLE;
  for (let i = 0; i < 8 && !fits(p, W, H); i++) {
    const g = p.referenceGrid(H, W);
    W = g.w * MULTIPLE;
    H = g.h * MULTIPLE;
  }
  if (!fits(p, W, H)) {
    throw new GlimmerError('bad_image', `A ${width}x${height} reference image cannot be brought to a size this model takes. Crop it closer to a square and try again.`);
  }
  return { width: W, height: H };
}

/** Cover-resize + centre crop (sharp, Lanczos) to exactly width×height; the same image when it already is. */
export async function resizeCover(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (img.width === width && img.height === height) return img;
  const out = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return { width, height, channels: 3, data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
}

export async function fitReference(p: GlmImageProcessor, img: RgbImage): Promise<RgbImage> {
  const size = referenceSize(p, img.width, img.height);
  return resizeCover(img, size.width, size.height);
}
