/** Zoom and pan arithmetic for the canvas (screen pixels ↔ image pixels). */
import type { View } from './types';

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 32;

export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

export function screenToImage(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.panX) / view.zoom, y: (sy - view.panY) / view.zoom };
}

export function imageToScreen(view: View, ix: number, iy: number): { x: number; y: number } {
  return { x: view.panX + ix * view.zoom, y: view.panY + iy * view.zoom };
}

/** Zoom by `factor` keeping the image point under screen (sx, sy) where it is. */
export function zoomAt(view: View, factor: number, sx: number, sy: number): View {
  const zoom = clampZoom(view.zoom * factor);
  const p = screenToImage(view, sx, sy);
  return { zoom, panX: sx - p.x * zoom, panY: sy - p.y * zoom };
}

/** Whole image inside the viewport with `margin` pixels around, centred. */
export function fitView(viewportW: number, viewportH: number, imageW: number, imageH: number, margin = 16): View {
  const availW = Math.max(1, viewportW - 2 * margin);
  const availH = Math.max(1, viewportH - 2 * margin);
  const zoom = clampZoom(Math.min(availW / Math.max(1, imageW), availH / Math.max(1, imageH)));
  return { zoom, panX: (viewportW - imageW * zoom) / 2, panY: (viewportH - imageH * zoom) / 2 };
}

/** 100 %: one image pixel per screen pixel, centred. */
export function actualSizeView(viewportW: number, viewportH: number, imageW: number, imageH: number): View {
  return { zoom: 1, panX: (viewportW - imageW) / 2, panY: (viewportH - imageH) / 2 };
}

/** Wheel delta (pixels) → zoom factor: smooth, symmetric (in then out returns to the start). */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}
