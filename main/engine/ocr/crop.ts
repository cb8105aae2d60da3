/**
 * Cutting a detected text box out of the image, straightened, as PaddleOCR's get_rotate_crop_image
 * does: the crop is max(|TL-TR|, |BL-BR|) wide and max(|TL-BL|, |TR-BR|) high, each crop pixel sampled
 * bilinearly (edges replicated) at the matching point of the box (an affine map from the TL, TR and BL
 * corners: the boxes are rectangles up to rounding). A crop standing upright (height >= 1.5 x width,
 * vertical writing) is turned 90° counter-clockwise so the line runs left to right.
 */
import type { RgbImage } from '../image';
import { channelAt } from './detect';
import type { Quad } from './geometry';

export interface CropOptions {
  /** Crops taller than this are sampled at a smaller scale straight away (bounds the work for huge boxes). */
  maxHeight?: number;
}

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);

/** Straightened RGB crop of a box; null when the box is under a pixel on either side. */
export function cropQuad(image: RgbImage, quad: Quad, options: CropOptions = {}): RgbImage | null {
  const [tl, tr, br, bl] = quad;
  const fullW = Math.max(dist(tl, tr), dist(bl, br));
  const fullH = Math.max(dist(tl, bl), dist(tr, br));
  const upright = fullH >= 1.5 * fullW;
  const lineHeight = upright ? fullW : fullH;
  const scale = options.maxHeight && lineHeight > options.maxHeight ? options.maxHeight / lineHeight : 1;
  const w = Math.round(fullW * scale);
  const h = Math.round(fullH * scale);
  if (w < 1 || h < 1) return null;
  const { width: iw, height: ih } = image;
  const out = new Uint8Array(w * h * 3);
  // crop pixel (i, j) ↦ tl + (i / w) (tr - tl) + (j / h) (bl - tl), pixel centres at integers (cv2.warpPerspective's mapping)
  const ax = (tr[0] - tl[0]) / w;
  const ay = (tr[1] - tl[1]) / w;
  const bx = (bl[0] - tl[0]) / h;
  const by = (bl[1] - tl[1]) / h;
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      let x = tl[0] + i * ax + j * bx;
      let y = tl[1] + i * ay + j * by;
      x = x < 0 ? 0 : x > iw - 1 ? iw - 1 : x;
      y = y < 0 ? 0 : y > ih - 1 ? ih - 1 : y;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = Math.min(x0 + 1, iw - 1);
      const y1 = Math.min(y0 + 1, ih - 1);
      const fx = x - x0;
      const fy = y - y0;
      const i00 = y0 * iw + x0;
      const i01 = y0 * iw + x1;
      const i10 = y1 * iw + x0;
      const i11 = y1 * iw + x1;
      for (let c = 0; c < 3; c++) {
        const top = channelAt(image, i00, c) * (1 - fx) + channelAt(image, i01, c) * fx;
        const bottom = channelAt(image, i10, c) * (1 - fx) + channelAt(image, i11, c) * fx;
        out[(j * w + i) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  const crop: RgbImage = { data: out, width: w, height: h, channels: 3 };
  return upright ? rotate90ccw(crop) : crop;
}

/** numpy's rot90 (counter-clockwise quarter turn). */
export function rotate90ccw(img: RgbImage): RgbImage {
  const { width: w, height: h, channels: c } = img;
  const out = new Uint8Array(w * h * c);
  // new image is h wide and w high; new (x', y') = (y, w - 1 - x)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = (y * w + x) * c;
      const dst = ((w - 1 - x) * h + y) * c;
      for (let k = 0; k < c; k++) out[dst + k] = img.data[src + k]!;
    }
  }
  return { data: out, width: h, height: w, channels: c };
}

/** Half turn (what the angle classifier's "180" asks for). */
export function rotate180(img: RgbImage): RgbImage {
  const { width: w, height: h, channels: c } = img;
  const n = w * h;
  const out = new Uint8Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) out[(n - 1 - i) * c + k] = img.data[i * c + k]!;
  }
  return { ...img, data: out };
}
