/**
 * Draws a CanvasStore on a <canvas> and turns pointer, wheel and key input into store calls: paint
 * and erase the mask, drag a crop, pan (pan tool, middle button, or Space held), zoom with the wheel
 * or a pinch (two pointers, or a trackpad pinch that arrives as Ctrl+wheel), keys for tools and view.
 */
import { Box } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { drawStack } from './images';
import { applyStroke, docRect, finishMask, MaskRaster, maskIsPlain } from './mask';
import { layerStack } from './stack';
import type { CanvasStore } from './store';
import type { CanvasState, Edges } from './types';
import { screenToImage, wheelFactor } from './view';

export interface CanvasViewProps {
  store: CanvasStore;
  /** Told the viewport's CSS size whenever it changes (fit and 100 % need it). */
  onViewport?(width: number, height: number): void;
}

const MASK_RGB = [255, 40, 120] as const;

/** Loaded images by URL; a load calls `onLoad` (which must read the latest state, not a closure's). */
function loadedImage(cache: Map<string, HTMLImageElement>, src: string, onLoad: () => void): HTMLImageElement | null {
  let img = cache.get(src);
  if (!img) {
    img = new Image();
    img.decoding = 'async';
    img.onload = onLoad;
    img.src = src;
    cache.set(src, img);
  }
  return img.complete && img.naturalWidth > 0 ? img : null;
}

export function CanvasView({ store, onViewport }: CanvasViewProps) {
  const theme = useTheme();
  const { t } = useTranslation();
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const size = useRef({ w: 1, h: 1 });
  const maskCanvas = useRef<HTMLCanvasElement | null>(null);
  const raster = useRef<MaskRaster | null>(null);
  /** The mask and extension the overlay was last finished for (invert, grow, feather, new area). */
  const finished = useRef<{ mask: unknown; extend: unknown } | null>(null);
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const drag = useRef<{ kind: 'paint' | 'pan' | 'crop' | 'extend'; lastX: number; lastY: number; id: number; side?: keyof Edges; from?: { x: number; y: number; start: number } } | null>(null);
  const touches = useRef(new Map<number, { x: number; y: number }>());
  const pinch = useRef<{ dist: number; midX: number; midY: number } | null>(null);
  const space = useRef(false);
  const frame = useRef(0);
  const lastBaseId = useRef<string | null>(null);
  const images = useRef(new Map<string, HTMLImageElement>());
  const drawLatest = useRef<(s: CanvasState) => void>(() => undefined);
  const redraw = () => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => drawLatest.current(store.getState()));
  };
  const base = state.doc.layers.find((l) => l.role === 'base');
  const area = base ? docRect(base.width, base.height, state.doc.extend) : null;

  // size of the viewport
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      size.current = { w: Math.max(1, r.width), h: Math.max(1, r.height) };
      const c = canvas.current;
      if (c) {
        const dpr = window.devicePixelRatio || 1;
        c.width = Math.round(size.current.w * dpr);
        c.height = Math.round(size.current.h * dpr);
      }
      onViewport?.(size.current.w, size.current.h);
      const b = store.base();
      if (lastBaseId.current === null && b) {
        const a = store.area()!;
        lastBaseId.current = `${b.id}:${a.x},${a.y},${a.width}x${a.height}`;
        // a document brought back after a reload keeps the view it had
        if (!store.takeKeptView()) store.fit(size.current.w, size.current.h);
      }
      redraw();
    });
    ro.observe(el);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store]);

  // a newly opened image, a version of another size, or an extension is fitted to the viewport
  const baseKey = base && area ? `${base.id}:${area.x},${area.y},${area.width}x${area.height}` : null;
  useEffect(() => {
    if (baseKey && baseKey !== lastBaseId.current && size.current.w > 1) {
      lastBaseId.current = baseKey;
      // not while a side is dragged (the view would move under the pointer): fitted when it ends
      if (drag.current?.kind !== 'extend' && !store.takeKeptView()) store.fit(size.current.w, size.current.h);
    }
  }, [baseKey, store]);

  useEffect(redraw);

  function maskImage(s: CanvasState): HTMLCanvasElement | null {
    const b = s.doc.layers.find((l) => l.role === 'base');
    if (!b) return null;
    const a = docRect(b.width, b.height, s.doc.extend);
    const r = raster.current;
    if (!r || r.width !== a.width || r.height !== a.height || r.origin.x !== a.x || r.origin.y !== a.y) {
      raster.current = new MaskRaster(a.width, a.height, { x: a.x, y: a.y });
      finished.current = null;
      maskCanvas.current = document.createElement('canvas');
      maskCanvas.current.width = a.width;
      maskCanvas.current.height = a.height;
    }
    const changed = raster.current!.sync(s.doc.mask.strokes);
    const mc = maskCanvas.current!;
    const same = finished.current?.mask === s.doc.mask && finished.current?.extend === s.doc.extend;
    if (!changed && same && !s.draft && mc.dataset.draft !== '1') return mc;
    let data = raster.current!.data;
    if (s.draft) {
      // while drawing: the strokes as painted plus the one being drawn (finishing waits for the end)
      data = data.slice();
      applyStroke(data, a.width, a.height, s.draft, a);
    } else if (!maskIsPlain(s.doc.mask, s.doc.extend)) {
      data = finishMask(data, a, b, s.doc.mask, s.doc.extend);
    }
    finished.current = s.draft ? null : { mask: s.doc.mask, extend: s.doc.extend };
    mc.dataset.draft = s.draft ? '1' : '0';
    const ctx = mc.getContext('2d')!;
    const out = ctx.createImageData(a.width, a.height);
    const px = out.data;
    for (let i = 0, o = 0; i < data.length; i++, o += 4) {
      const v = data[i]!;
      if (v === 0) continue;
      px[o] = MASK_RGB[0];
      px[o + 1] = MASK_RGB[1];
      px[o + 2] = MASK_RGB[2];
      px[o + 3] = v;
    }
    ctx.putImageData(out, 0, 0);
    return mc;
  }

  function draw(s: CanvasState): void {
    const c = canvas.current;
    if (!c) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = theme.palette.mode === 'dark' ? '#0c0c11' : '#e7e5ee';
    ctx.fillRect(0, 0, size.current.w, size.current.h);
    const b = s.doc.layers.find((l) => l.role === 'base');
    if (!b) return;
    const { zoom, panX, panY } = s.view;
    ctx.save();
    ctx.translate(panX, panY);
    ctx.scale(zoom, zoom);
    ctx.imageSmoothingEnabled = zoom < 2;
    // the extension's new area (outpainting), then a plain ground under the image (transparency), then the image
    const a = docRect(b.width, b.height, s.doc.extend);
    if (s.doc.extend) {
      ctx.fillStyle = theme.palette.mode === 'dark' ? '#1d1d26' : '#d4d1de';
      ctx.fillRect(a.x, a.y, a.width, a.height);
    }
    ctx.fillStyle = theme.palette.mode === 'dark' ? '#2a2a33' : '#ffffff';
    ctx.fillRect(0, 0, b.width, b.height);
    // every result is a layer over the version it was made from: the current version's line, bottom first
    if (b.visible) drawStack(ctx, layerStack(s.doc), (src) => loadedImage(images.current, src, redraw), b.opacity);
    // before/after: the version this one was made from, where it lies in it, left of the split
    const before = s.compare ? s.doc.versions.find((v) => v.id === s.doc.versions.find((c) => c.id === s.doc.currentVersionId)?.parentId) : undefined;
    if (s.compare && before) {
      const x = s.compare.split * b.width;
      const prev = loadedImage(images.current, before.src, redraw);
      const cur = s.doc.versions.find((v) => v.id === s.doc.currentVersionId);
      const at = cur?.place ?? { x: 0, y: 0, width: b.width, height: b.height };
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, x, b.height);
      ctx.clip();
      ctx.fillStyle = theme.palette.mode === 'dark' ? '#2a2a33' : '#ffffff';
      ctx.fillRect(0, 0, x, b.height);
      if (prev) ctx.drawImage(prev, at.x, at.y, at.width, at.height);
      ctx.restore();
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(x - 1 / zoom, 0, 2 / zoom, b.height);
    }
    if (s.doc.mask.visible || s.draft) {
      const m = maskImage(s);
      if (m) {
        ctx.globalAlpha = s.doc.mask.opacity;
        ctx.drawImage(m, a.x, a.y);
        ctx.globalAlpha = 1;
      }
    }
    if (s.doc.extend) {
      // the image's own edge inside the extended document
      ctx.setLineDash([6 / zoom, 4 / zoom]);
      ctx.lineWidth = 1 / zoom;
      ctx.strokeStyle = theme.palette.mode === 'dark' ? 'rgba(255,255,255,0.7)' : 'rgba(0,0,0,0.6)';
      ctx.strokeRect(0, 0, b.width, b.height);
      ctx.setLineDash([]);
    }
    if (s.tool.kind === 'extend') {
      // a handle in the middle of each side of the document: drag one outwards to extend that side
      const hs = 10 / zoom;
      ctx.fillStyle = '#ffffff';
      ctx.strokeStyle = 'rgba(0,0,0,0.8)';
      ctx.lineWidth = 1.5 / zoom;
      for (const [hx, hy] of [
        [a.x, a.y + a.height / 2],
        [a.x + a.width, a.y + a.height / 2],
        [a.x + a.width / 2, a.y],
        [a.x + a.width / 2, a.y + a.height],
      ] as const) {
        ctx.fillRect(hx - hs / 2, hy - hs / 2, hs, hs);
        ctx.strokeRect(hx - hs / 2, hy - hs / 2, hs, hs);
      }
    }
    const crop = s.cropDraft ?? s.doc.crop;
    if (crop) {
      ctx.fillStyle = 'rgba(0,0,0,0.55)';
      ctx.beginPath();
      ctx.rect(a.x, a.y, a.width, a.height);
      ctx.rect(crop.x, crop.y, crop.width, crop.height);
      ctx.fill('evenodd');
      ctx.setLineDash([6 / zoom, 4 / zoom]);
      ctx.lineWidth = 1.5 / zoom;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeRect(crop.x, crop.y, crop.width, crop.height);
      ctx.setLineDash([]);
    }
    ctx.restore();
    // brush outline under the pointer
    const p = pointer.current;
    if (p && (s.tool.kind === 'brush' || s.tool.kind === 'eraser') && !space.current) {
      const r = (s.tool.size / 2) * zoom;
      ctx.beginPath();
      ctx.arc(p.x, p.y, Math.max(1, r), 0, Math.PI * 2);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = 'rgba(0,0,0,0.7)';
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(p.x, p.y, Math.max(1, r - 1.5), 0, Math.PI * 2);
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      ctx.stroke();
      if (s.tool.hardness < 1) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, Math.max(0.5, r * s.tool.hardness), 0, Math.PI * 2);
        ctx.setLineDash([3, 3]);
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
  }

  drawLatest.current = draw;

  // ───── input ─────

  const local = (e: { clientX: number; clientY: number }) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    canvas.current?.focus();
    const p = local(e);
    if (e.pointerType === 'touch') {
      touches.current.set(e.pointerId, p);
      if (touches.current.size === 2) {
        store.cancelStroke();
        drag.current = null;
        const [a, b] = [...touches.current.values()];
        pinch.current = { dist: Math.hypot(a!.x - b!.x, a!.y - b!.y), midX: (a!.x + b!.x) / 2, midY: (a!.y + b!.y) / 2 };
        return;
      }
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    const tool = store.getState().tool.kind;
    const panning = e.button === 1 || space.current || tool === 'pan';
    const ip = screenToImage(store.getState().view, p.x, p.y);
    if (panning) drag.current = { kind: 'pan', lastX: p.x, lastY: p.y, id: e.pointerId };
    else if (e.button !== 0) return;
    else if (tool === 'extend') {
      const side = store.extendSideAt(ip.x, ip.y);
      if (!side) return;
      drag.current = { kind: 'extend', lastX: p.x, lastY: p.y, id: e.pointerId, side, from: { x: ip.x, y: ip.y, start: store.getState().doc.extend?.[side] ?? 0 } };
      store.endGesture();
    } else if (tool === 'crop') {
      drag.current = { kind: 'crop', lastX: p.x, lastY: p.y, id: e.pointerId };
      store.beginCrop(ip.x, ip.y);
    } else {
      drag.current = { kind: 'paint', lastX: p.x, lastY: p.y, id: e.pointerId };
      // Alt with a selection tool takes the area away from the mask
      store.beginStroke(ip.x, ip.y, e.altKey);
    }
  };

  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const p = local(e);
    pointer.current = p;
    if (e.pointerType === 'touch' && touches.current.has(e.pointerId)) {
      touches.current.set(e.pointerId, p);
      if (pinch.current && touches.current.size === 2) {
        const [a, b] = [...touches.current.values()];
        const dist = Math.hypot(a!.x - b!.x, a!.y - b!.y);
        const midX = (a!.x + b!.x) / 2;
        const midY = (a!.y + b!.y) / 2;
        store.panBy(midX - pinch.current.midX, midY - pinch.current.midY);
        if (pinch.current.dist > 0) store.zoomAt(dist / pinch.current.dist, midX, midY);
        pinch.current = { dist, midX, midY };
        return;
      }
    }
    const d = drag.current;
    if (d && d.id === e.pointerId) {
      if (d.kind === 'pan') store.panBy(p.x - d.lastX, p.y - d.lastY);
      else {
        const ip = screenToImage(store.getState().view, p.x, p.y);
        if (d.kind === 'paint') store.extendStroke(ip.x, ip.y);
        else if (d.kind === 'extend' && d.side && d.from) {
          const out = d.side === 'left' ? d.from.x - ip.x : d.side === 'right' ? ip.x - d.from.x : d.side === 'top' ? d.from.y - ip.y : ip.y - d.from.y;
          store.dragExtend(d.side, d.from.start, out);
        } else store.dragCrop(ip.x, ip.y);
      }
      d.lastX = p.x;
      d.lastY = p.y;
    }
    redraw();
  };

  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    touches.current.delete(e.pointerId);
    if (touches.current.size < 2) pinch.current = null;
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    drag.current = null;
    if (d.kind === 'paint') store.endStroke();
    if (d.kind === 'crop') store.endCrop();
    if (d.kind === 'extend') {
      store.endGesture();
      store.fit(size.current.w, size.current.h);
    }
  };

  // wheel must be a non-passive listener to keep the page from scrolling
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const p = local(e);
      if (e.ctrlKey || e.metaKey || !e.shiftKey) {
        // pinch on a trackpad arrives as ctrl+wheel with small deltas: make it as quick as a wheel notch
        store.zoomAt(wheelFactor(e.ctrlKey ? e.deltaY * 4 : e.deltaY), p.x, p.y);
      } else store.panBy(-e.deltaX, -e.deltaY);
    };
    c.addEventListener('wheel', onWheel, { passive: false });
    return () => c.removeEventListener('wheel', onWheel);
  }, [store]);

  // keys for tools and view anywhere on the canvas screen (this view is mounted), except while typing
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target)) return;
      // Space, Enter and the arrows press and move between buttons, tabs and switches: theirs there
      if ((e.key === ' ' || e.key.startsWith('Arrow')) && isControlTarget(e.target)) return;
      if (canvasKey(store, e, size.current, space)) e.preventDefault();
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === ' ') space.current = false;
    };
    const onBlur = () => (space.current = false);
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, [store]);

  return (
    <Box ref={box} sx={{ position: 'relative', width: '100%', height: '100%', overflow: 'hidden', touchAction: 'none' }}>
      <canvas
        ref={canvas}
        tabIndex={0}
        role="img"
        aria-label={t('canvas.viewLabel')}
        data-testid="canvas"
        style={{ width: '100%', height: '100%', display: 'block', cursor: state.tool.kind === 'pan' ? 'grab' : state.tool.kind === 'brush' || state.tool.kind === 'eraser' ? 'none' : 'crosshair', outlineOffset: -3 }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onPointerLeave={() => {
          pointer.current = null;
          redraw();
        }}
        onContextMenu={(e) => e.preventDefault()}
      />
    </Box>
  );
}

/** Text fields, sliders, selects and open dialogs keep their keys. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  if (el.isContentEditable || el.closest('input, textarea, select, [role=slider], [role=dialog], [role=listbox], [role=menu]')) return true;
  return false;
}

/** Buttons, links, tabs, switches and the like (they use Space and the arrows themselves). */
function isControlTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return el.closest('button, a[href], [role=button], [role=tab], [role=radio], [role=switch], [role=checkbox], [role=option], [role=menuitem]') !== null;
}

/** One key of the canvas screen → a store call; true when it was one of ours. */
function canvasKey(store: CanvasStore, e: KeyboardEvent, size: { w: number; h: number }, space: { current: boolean }): boolean {
  // Ctrl/Cmd+Z and +Y are handled for the whole canvas screen (CanvasPage)
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  const { w, h } = size;
  const t = store.getState().tool;
  switch (e.key.length === 1 ? e.key.toLowerCase() : e.key) {
    case ' ':
      space.current = true;
      return true;
    case 'b':
      return store.setTool({ kind: 'brush' }), true;
    case 'e':
      return store.setTool({ kind: 'eraser' }), true;
    case 'h':
      return store.setTool({ kind: 'pan' }), true;
    case 'c':
      return store.setTool({ kind: 'crop' }), true;
    case 'm':
      return store.setTool({ kind: 'rect' }), true;
    case 'l':
      return store.setTool({ kind: 'lasso' }), true;
    case 'x':
      return store.setTool({ kind: 'extend' }), true;
    case '[':
      return store.setTool({ size: t.size / 1.25 }), true;
    case ']':
      return store.setTool({ size: t.size * 1.25 }), true;
    case '+':
    case '=':
      return store.zoomAt(1.25, w / 2, h / 2), true;
    case '-':
      return store.zoomAt(0.8, w / 2, h / 2), true;
    case '0':
      return store.fit(w, h), true;
    case '1':
      return store.actualSize(w, h), true;
    case 'ArrowLeft':
      return store.panBy(40, 0), true;
    case 'ArrowRight':
      return store.panBy(-40, 0), true;
    case 'ArrowUp':
      return store.panBy(0, 40), true;
    case 'ArrowDown':
      return store.panBy(0, -40), true;
    case 'Escape':
      return store.cancelStroke(), true;
    default:
      return false;
  }
}
