/**
 * Browser-side image work for the canvas (DOM only, not part of the store): open files, and turn
 * layers and the mask into the PNG bytes a job request carries.
 */
import { t } from '../i18n';
import { cropMask, docRect, maskIsEmpty, rasterizeMask } from './mask';
import type { Edges, MaskLayer, Rect, Version } from './types';

export function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(t('canvas.unreadable')));
    img.src = src;
  });
}

/** A picked, dropped or pasted file → a source the store can open (a blob: URL and its size). */
export async function fileToImageSource(file: File): Promise<{ src: string; width: number; height: number; name: string }> {
  if (!/^image\/(png|jpeg|webp)$/.test(file.type)) throw new Error(t('canvas.notAnImage', { name: file.name || t('canvas.thatFile') }));
  const src = URL.createObjectURL(file);
  try {
    const img = await loadImage(src);
    return { src, width: img.naturalWidth, height: img.naturalHeight, name: file.name || t('canvas.pastedImage') };
  } catch (err) {
    URL.revokeObjectURL(src);
    throw err;
  }
}

function canvasBase64(c: HTMLCanvasElement): string {
  return c.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

/**
 * The image (cropped when a crop is set) as base64 PNG. With an extension (outpainting) the new area
 * is filled with the image stretched over it and blurred: the model sees colours that continue the
 * picture (the mask marks that area to be drawn anew, so the fill itself never stays).
 */
export async function imageBase64(src: string, width: number, height: number, crop: Rect | null, extend: Edges | null = null): Promise<string> {
  const img = await loadImage(src);
  const area = docRect(width, height, extend);
  const r = crop ?? area;
  const c = document.createElement('canvas');
  c.width = r.width;
  c.height = r.height;
  const ctx = c.getContext('2d')!;
  if (extend) {
    ctx.filter = `blur(${Math.max(8, Math.round(Math.max(area.width, area.height) / 40))}px)`;
    ctx.drawImage(img, area.x - r.x, area.y - r.y, area.width, area.height);
    ctx.filter = 'none';
  }
  // draw at the layer's size (the image may be stored larger or smaller than shown)
  ctx.drawImage(img, -r.x, -r.y, width, height);
  return canvasBase64(c);
}

/** The mask (white = change, black = keep; grey: a feathered edge) as base64 PNG, or null when nothing is marked. */
export function maskBase64(mask: MaskLayer, width: number, height: number, crop: Rect | null, extend: Edges | null = null): string | null {
  const whole = rasterizeMask(mask, { width, height }, extend);
  let data = whole.data;
  let w = whole.area.width;
  let h = whole.area.height;
  if (crop) ({ data, width: w, height: h } = cropMask(data, w, h, { ...crop, x: crop.x - whole.area.x, y: crop.y - whole.area.y }));
  if (maskIsEmpty(data)) return null;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d')!;
  const out = ctx.createImageData(w, h);
  for (let i = 0, o = 0; i < data.length; i++, o += 4) {
    out.data[o] = out.data[o + 1] = out.data[o + 2] = data[i]!;
    out.data[o + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
  return canvasBase64(c);
}

/**
 * A version flattened with its source as the canvas draws it: the source at its place, the version
 * over it at its opacity (not at all when hidden); without a source, the version alone. A PNG data URL.
 */
export async function flattenedDataUrl(version: Version, source: Version | null): Promise<string> {
  const c = document.createElement('canvas');
  c.width = version.width;
  c.height = version.height;
  const ctx = c.getContext('2d')!;
  const alpha = source ? (version.visible ? version.opacity : 0) : 1;
  if (source && alpha < 1) {
    const at = version.place ?? { x: 0, y: 0, width: version.width, height: version.height };
    ctx.drawImage(await loadImage(source.src), at.x, at.y, at.width, at.height);
  }
  ctx.globalAlpha = alpha;
  if (alpha > 0) ctx.drawImage(await loadImage(version.src), 0, 0, version.width, version.height);
  return c.toDataURL('image/png');
}
