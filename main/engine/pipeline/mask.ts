/**
 * Masked edits. A mask is a picture the size (aspect) of the source: white = change, black = keep.
 *  - Token level: target-grid cells wholly outside the mask are forced to the source image's own VQ
 *    ids, so the AR samples only the masked cells.
 *  - Pixel level: outside the mask the final pixels ARE the source's; inside, the generated pixels,
 *    feathered over a few pixels just inside the mask edge (never outside it). A mask with grey
 *    levels (the canvas's feather) is its own seam: each pixel is mixed by its mask value, so a pixel
 *    at 0 is still the source's bit for bit.
 */
import sharp from 'sharp';
import { GlimmerError } from '../../contract';
import type { RgbImage } from '../image';

/** Mask as one value per pixel in [0, 1] at width×height. */
export interface PixelMask {
  width: number;
  height: number;
  alpha: Float32Array;
}

export async function maskAt(mask: RgbImage, width: number, height: number): Promise<PixelMask> {
  let data = mask.data;
  if (mask.width !== width || mask.height !== height) {
    const out = await sharp(Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength), {
      raw: { width: mask.width, height: mask.height, channels: 3 },
    })
      .resize(width, height, { fit: 'fill', kernel: 'nearest' })
      .raw()
      .toBuffer();
    data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  const alpha = new Float32Array(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = (data[i * 3]! + data[i * 3 + 1]! + data[i * 3 + 2]!) / (3 * 255);
  return { width, height, alpha };
}

/** Cells of a grid (row-major) that touch the mask (any pixel > 0.5 under the cell). */
export function maskedCells(mask: PixelMask, gh: number, gw: number): boolean[] {
  const out = new Array<boolean>(gh * gw).fill(false);
  for (let y = 0; y < mask.height; y++) {
    const r = Math.min(gh - 1, Math.floor((y * gh) / mask.height));
    for (let x = 0; x < mask.width; x++) {
      if (mask.alpha[y * mask.width + x]! > 0.5) out[r * gw + Math.min(gw - 1, Math.floor((x * gw) / mask.width))] = true;
    }
  }
  return out;
}

/** Source VQ ids (sh×sw grid) → the target grid (th×tw) by nearest cell centre. */
export function sourceIdsOnGrid(ids: ArrayLike<number | bigint>, sh: number, sw: number, th: number, tw: number): Int32Array {
  const out = new Int32Array(th * tw);
  for (let r = 0; r < th; r++) {
    const sr = Math.min(sh - 1, Math.floor(((r + 0.5) * sh) / th));
    for (let c = 0; c < tw; c++) {
      const sc = Math.min(sw - 1, Math.floor(((c + 0.5) * sw) / tw));
      out[r * tw + c] = Number(ids[sr * sw + sc]);
    }
  }
  return out;
}

/** Forced target cells: every cell outside the mask keeps the source's id. */
export function forcedCells(masked: boolean[], sourceIds: Int32Array): Map<number, number> {
  const forced = new Map<number, number>();
  masked.forEach((m, i) => {
    if (!m) forced.set(i, sourceIds[i]!);
  });
  if (forced.size === masked.length) {
    throw new GlimmerError('bad_request', 'The mask is empty: paint the area to change (white) and try again.');
  }
  return forced;
}

/** Box blur of a binary mask, radius r (two passes). */
function blur(a: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(a.length);
  const out = new Float32Array(a.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++, n++) s += a[y * w + k]!;
      tmp[y * w + x] = s / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++, n++) s += tmp[k * w + x]!;
      out[y * w + x] = s / n;
    }
  }
  return out;
}

/** Whether the mask has grey levels (a feathered edge), not only 0 and 1. */
export function maskIsSoft(mask: PixelMask): boolean {
  for (const v of mask.alpha) if (v > 0 && v < 1) return true;
  return false;
}

/**
 * out = source·(1−a) + generated·a. A black-and-white mask: a = 0 wherever the mask is ≤ 0.5
 * (unmasked pixels are the source's, bit for bit), rising to 1 over `feather` pixels inside the mask
 * edge. A mask with grey levels: a = the mask's value (0 stays the source's, bit for bit).
 */
export function blendMasked(generated: Uint8Array, source: Uint8Array, mask: PixelMask, feather = Math.max(1, Math.round(Math.min(mask.width, mask.height) / 64))): Uint8Array {
  const { width: w, height: h } = mask;
  if (maskIsSoft(mask)) {
    const out = new Uint8Array(generated.length);
    for (let i = 0; i < w * h; i++) {
      const a = Math.min(1, Math.max(0, mask.alpha[i]!));
      for (let c = 0; c < 3; c++) {
        const o = i * 3 + c;
        out[o] = a === 0 ? source[o]! : Math.round(source[o]! * (1 - a) + generated[o]! * a);
      }
    }
    return out;
  }
  const hard = new Float32Array(w * h);
  for (let i = 0; i < hard.length; i++) hard[i] = mask.alpha[i]! > 0.5 ? 1 : 0;
  const soft = blur(hard, w, h, feather);
  const out = new Uint8Array(generated.length);
  for (let i = 0; i < hard.length; i++) {
    const a = hard[i] === 0 ? 0 : Math.min(1, Math.max(0, 2 * soft[i]! - 1));
    for (let c = 0; c < 3; c++) {
      const o = i * 3 + c;
      out[o] = a === 0 ? source[o]! : Math.round(source[o]! * (1 - a) + generated[o]! * a);
    }
  }
  return out;
}
