/**
 * Browser-side image work for the canvas (DOM only, not part of the store): open files, and turn
 * layers and the mask into the PNG bytes a job request carries.
 */
import { t } from '../i18n';
import { cropMask, docRect, maskIsEmpty, rasterizeMask } from './mask';
import type { OutpaintFill } from './form';
import type { StackLayer } from './stack';
import type { Edges, MaskLayer, Rect } from './types';

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
 * is filled as `fill` says (canvas/form.ts OutpaintFill): the model sees it as a hint of what continues
 * the picture; the mask marks that area to be drawn anew, so the fill itself never stays.
 */
export async function imageBase64(src: string, width: number, height: number, crop: Rect | null, extend: Edges | null = null, fill: OutpaintFill = 'blur'): Promise<string> {
  const img = await loadImage(src);
  const area = docRect(width, height, extend);
  const r = crop ?? area;
  const c = document.createElement('canvas');
  c.width = r.width;
  c.height = r.height;
  const ctx = c.getContext('2d')!;
  if (extend) {
    ctx.save();
    ctx.translate(-r.x, -r.y);
    fillExtension(ctx, img, width, height, area, fill);
    ctx.restore();
  }
  // draw at the layer's size (the image may be stored larger or smaller than shown)
  ctx.drawImage(img, -r.x, -r.y, width, height);
  return canvasBase64(c);
}

/**
 * Fills the document's area outside the image (which lies at 0, 0, width × height inside `area`):
 * blur — the whole picture stretched over the area and blurred; edge — each side's outermost row or
 * column of pixels carried outwards (the corners take the corner pixel); grey — plain mid grey.
 */
function fillExtension(ctx: CanvasRenderingContext2D, img: HTMLImageElement, width: number, height: number, area: Rect, fill: OutpaintFill): void {
  if (fill === 'grey') {
    ctx.fillStyle = '#808080';
    ctx.fillRect(area.x, area.y, area.width, area.height);
    return;
  }
  if (fill === 'blur') {
    ctx.filter = `blur(${Math.max(8, Math.round(Math.max(area.width, area.height) / 40))}px)`;
    ctx.drawImage(img, area.x, area.y, area.width, area.height);
    ctx.filter = 'none';
    return;
  }
  // edge: source rows and columns in the image's own pixels (it may be stored at another size than shown)
  const iw = img.naturalWidth;
  const ih = img.naturalHeight;
  const left = -area.x;
  const top = -area.y;
  const right = area.x + area.width - width;
  const bottom = area.y + area.height - height;
  ctx.imageSmoothingEnabled = false;
  const strips: [number, number, number, number, number, number, number, number][] = [
    [0, 0, 1, ih, -left, 0, left, height],
    [iw - 1, 0, 1, ih, width, 0, right, height],
    [0, 0, iw, 1, 0, -top, width, top],
    [0, ih - 1, iw, 1, 0, height, width, bottom],
    [0, 0, 1, 1, -left, -top, left, top],
    [iw - 1, 0, 1, 1, width, -top, right, top],
    [0, ih - 1, 1, 1, -left, height, left, bottom],
    [iw - 1, ih - 1, 1, 1, width, height, right, bottom],
  ];
  for (const [sx, sy, sw, sh, dx, dy, dw, dh] of strips) if (dw > 0 && dh > 0) ctx.drawImage(img, sx, sy, sw, sh, dx, dy, dw, dh);
  ctx.imageSmoothingEnabled = true;
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
 * Draws a layer stack (canvas/stack.ts) bottom first into `ctx`, in the current version's pixels.
 * `image` gives each version's picture, or null while it is not loaded (that layer is left out).
 */
export function drawStack(ctx: CanvasRenderingContext2D, stack: readonly StackLayer[], image: (src: string) => CanvasImageSource | null, alpha = 1): void {
  for (const layer of stack) {
    const a = layer.alpha * alpha;
    if (a <= 0) continue;
    const img = image(layer.version.src);
    if (!img) continue;
    ctx.globalAlpha = a;
    ctx.drawImage(img, layer.at.x, layer.at.y, layer.at.width, layer.at.height);
  }
  ctx.globalAlpha = 1;
}

/** The layer stack flattened as the canvas draws it, at the size of the current version (the top of its line): a PNG data URL. */
export async function flattenedDataUrl(stack: readonly StackLayer[], width: number, height: number): Promise<string> {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const loaded = new Map<string, HTMLImageElement>();
  for (const layer of stack) if (layer.alpha > 0 && !loaded.has(layer.version.src)) loaded.set(layer.version.src, await loadImage(layer.version.src));
  drawStack(c.getContext('2d')!, stack, (src) => loaded.get(src) ?? null);
  return c.toDataURL('image/png');
}
