/**
 * The canvas editor's state as a plain store outside React (after tldraw's store): the document
 * (layers, mask strokes, crop, versions) with an undo/redo history where every edit is one entry, plus
 * the view (zoom/pan) and the tool, which are not edits. React subscribes and draws; tests drive it
 * directly.
 */
import { t } from '../i18n';
import type { KeptDocument } from './keep';
import { docRect, scaleStrokes } from './mask';
import { isBlended, layerStack, lineOf, placeWithin, type StackLayer } from './stack';
import type { CanvasDoc, CanvasState, Edges, Layer, Rect, SlotRole, Stroke, Tool, Version, View } from './types';
import { actualSizeView, clampZoom, fitView, zoomAt } from './view';

export interface ImageSource {
  src: string;
  width: number;
  height: number;
  name?: string;
  generationId?: string | null;
  /** As a reference: its role (default content). */
  slot?: SlotRole;
}

export interface CanvasStoreOptions {
  /** Most undo steps kept (oldest dropped first). */
  historyLimit?: number;
}

const EMPTY_DOC: CanvasDoc = {
  layers: [],
  mask: { strokes: [], visible: true, opacity: 0.5, invert: false, grow: 0, feather: 0 },
  crop: null,
  extend: null,
  versions: [],
  currentVersionId: null,
};

const MIN_CROP = 8;
/** Most pixels the canvas may be extended by on one side. */
export const MAX_EXTEND = 2048;
/** Most pixels a mask may grow, shrink or feather by. */
export const MAX_MASK_EDGE = 256;
/** Crop sides snap to multiples of this (the model's sizes: contract SIZE_RULE.step). */
export const CROP_STEP = 32;

/** `n` to the nearest multiple of `step`, at least one step, at most `max` (rounded down to a step when it is not one). */
function snapTo(n: number, step: number, max: number): number {
  const top = max >= step ? Math.floor(max / step) * step : max;
  return Math.min(top, Math.max(step, Math.round(n / step) * step));
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

export class CanvasStore {
  private state: CanvasState;
  private past: CanvasDoc[] = [];
  private future: CanvasDoc[] = [];
  /** Consecutive edits with the same key (one slider drag) merge into one history entry. */
  private lastKey: string | null = null;
  private listeners = new Set<() => void>();
  private ids = 0;
  private cropAnchor: { x: number; y: number } | null = null;
  private viewKept = false;
  private readonly historyLimit: number;

  constructor(options: CanvasStoreOptions = {}) {
    this.historyLimit = Math.max(1, options.historyLimit ?? 200);
    this.state = {
      doc: EMPTY_DOC,
      view: { zoom: 1, panX: 0, panY: 0 },
      tool: { kind: 'brush', size: 48, hardness: 0.7 },
      draft: null,
      cropDraft: null,
      canUndo: false,
      canRedo: false,
      compare: null,
    };
  }

  // ───── subscription (useSyncExternalStore) ─────

  getState = (): CanvasState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<CanvasState>): void {
    this.state = { ...this.state, ...patch, canUndo: this.past.length > 0, canRedo: this.future.length > 0 };
    for (const l of [...this.listeners]) l();
  }

  private nextId(prefix: string): string {
    this.ids += 1;
    return `${prefix}${this.ids}`;
  }

  /** Records the current doc in the history and replaces it. */
  private commit(doc: CanvasDoc, key: string | null = null): void {
    if (doc === this.state.doc) return;
    if (key === null || key !== this.lastKey) {
      this.past.push(this.state.doc);
      if (this.past.length > this.historyLimit) this.past.splice(0, this.past.length - this.historyLimit);
    }
    this.future = [];
    this.lastKey = key;
    this.set({ doc });
  }

  // ───── reading ─────

  get doc(): CanvasDoc {
    return this.state.doc;
  }

  base(): Layer | null {
    return this.state.doc.layers.find((l) => l.role === 'base') ?? null;
  }

  /** The document's area in image pixels: the base image plus its extension (null without an image). */
  area(): Rect | null {
    const base = this.base();
    return base ? docRect(base.width, base.height, this.state.doc.extend) : null;
  }

  references(): Layer[] {
    return this.state.doc.layers.filter((l) => l.role === 'reference');
  }

  /**
   * Whether replacing the document would lose something the user did: any edit in the history, a
   * mask, a reference or a result.
   */
  hasWork(): boolean {
    const d = this.state.doc;
    if (!this.base()) return false;
    return this.past.length > 0 || d.mask.strokes.length > 0 || d.layers.length > 1 || d.versions.length > 1 || d.crop !== null || d.extend !== null;
  }

  currentVersion(): Version | null {
    const { versions, currentVersionId } = this.state.doc;
    return versions.find((v) => v.id === currentVersionId) ?? null;
  }

  // ───── history ─────

  undo(): void {
    if (this.state.draft) return this.cancelStroke();
    const prev = this.past.pop();
    if (!prev) return;
    this.future.push(this.state.doc);
    this.lastKey = null;
    this.set({ doc: prev, cropDraft: null });
  }

  redo(): void {
    const next = this.future.pop();
    if (!next) return;
    this.past.push(this.state.doc);
    this.lastKey = null;
    this.set({ doc: next, cropDraft: null });
  }

  /** Ends a merged gesture (a slider released): the next change is a new undo step. */
  endGesture(): void {
    this.lastKey = null;
  }

  // ───── document edits (each one history entry) ─────

  /** A new document with this image as its base and first version; the history starts over. */
  open(image: ImageSource): void {
    const versionId = this.nextId('v');
    const base: Layer = {
      id: this.nextId('layer'),
      name: image.name ?? t('canvas.defaultImage'),
      role: 'base',
      src: image.src,
      width: image.width,
      height: image.height,
      visible: true,
      opacity: 1,
      generationId: image.generationId ?? null,
      slot: null,
    };
    const version: Version = {
      id: versionId,
      label: t('canvas.original'),
      src: image.src,
      width: image.width,
      height: image.height,
      generationId: image.generationId ?? null,
      parentId: null,
      place: null,
      visible: true,
      opacity: 1,
      order: 0,
    };
    this.past = [];
    this.future = [];
    this.lastKey = null;
    this.viewKept = false;
    this.set({ doc: { ...EMPTY_DOC, layers: [base], versions: [version], currentVersionId: versionId }, draft: null, cropDraft: null, compare: null });
  }

  /**
   * A document as it was kept (the workspace's draft, canvas/keep.ts): its versions and their links,
   * the current one as the base, the reference slots, the mask and its settings, the crop, the
   * extension and the view, with a fresh history (restoring is not an edit).
   */
  restoreDocument(kept: KeptDocument): void {
    const cur = kept.versions[kept.current];
    if (!cur) return;
    this.open(cur.image);
    const ids = kept.versions.map(() => this.nextId('v'));
    const versions: Version[] = kept.versions.map((v, i) => ({
      id: ids[i]!,
      label: v.label || t('canvas.versionN', { n: i + 1 }),
      src: v.image.src,
      width: v.image.width,
      height: v.image.height,
      generationId: v.image.generationId ?? null,
      parentId: v.parent !== null && v.parent !== i ? (ids[v.parent] ?? null) : null,
      place: v.parent !== null && v.parent !== i ? (v.place ?? null) : null,
      visible: v.visible ?? true,
      opacity: clamp01(v.opacity ?? 1),
      order: v.order ?? i,
    }));
    const layers = [...this.state.doc.layers];
    for (const r of kept.references) {
      layers.push({ id: this.nextId('layer'), name: r.name ?? t('canvas.defaultReference'), role: 'reference', src: r.src, width: r.width, height: r.height, visible: r.visible, opacity: 1, generationId: r.generationId ?? null, slot: r.slot });
    }
    const m = kept.mask;
    const mask = {
      strokes: [...kept.strokes],
      visible: m.visible,
      opacity: clamp01(m.opacity),
      invert: m.invert,
      grow: Math.round(Math.min(MAX_MASK_EDGE, Math.max(-MAX_MASK_EDGE, m.grow))),
      feather: Math.round(Math.min(MAX_MASK_EDGE, Math.max(0, m.feather))),
    };
    const e = kept.extend;
    const extend = e && e.left + e.top + e.right + e.bottom > 0 ? { left: e.left, top: e.top, right: e.right, bottom: e.bottom } : null;
    const doc: CanvasDoc = { layers, mask, crop: null, extend, versions, currentVersionId: ids[kept.current]! };
    this.state = { ...this.state, doc };
    this.viewKept = kept.view !== null;
    this.set({ doc: { ...doc, crop: kept.crop ? this.clampCrop(kept.crop) : null }, ...(kept.view ? { view: { ...kept.view, zoom: clampZoom(kept.view.zoom) } } : {}) });
  }

  /** True once after a restore that brought its view back (the view is not fitted over it). */
  takeKeptView(): boolean {
    const kept = this.viewKept;
    this.viewKept = false;
    return kept;
  }

  /** Adds a reference slot (its role: content unless told) after the others; returns its id. */
  addReference(image: ImageSource): string {
    const id = this.nextId('layer');
    const layer: Layer = {
      id,
      name: image.name ?? t('canvas.defaultReference'),
      role: 'reference',
      src: image.src,
      width: image.width,
      height: image.height,
      visible: true,
      opacity: 1,
      generationId: image.generationId ?? null,
      slot: image.slot ?? 'content',
    };
    this.commit({ ...this.state.doc, layers: [...this.state.doc.layers, layer] });
    return id;
  }

  /** The role a reference slot gives a job. */
  setSlotRole(id: string, slot: SlotRole): void {
    const layer = this.state.doc.layers.find((l) => l.id === id);
    if (!layer || layer.role !== 'reference') return;
    this.updateLayer(id, { slot });
  }

  /** Moves a reference slot `delta` places in the order the prompt sees them (negative: earlier). */
  moveReference(id: string, delta: number): void {
    const i = this.state.doc.layers.findIndex((l) => l.id === id);
    if (i >= 0) this.moveLayer(id, i + delta);
  }

  /**
   * The visible reference slots with the role `slot`, in order; without `slot`, every visible one.
   * (What each mode sends: see slotsFor in ./slots.)
   */
  slots(slot?: SlotRole): Layer[] {
    return this.state.doc.layers.filter((l) => l.role === 'reference' && l.visible && (slot === undefined || l.slot === slot));
  }

  removeLayer(id: string): void {
    const layer = this.state.doc.layers.find((l) => l.id === id);
    if (!layer || layer.role === 'base') return;
    this.commit({ ...this.state.doc, layers: this.state.doc.layers.filter((l) => l.id !== id) });
  }

  private updateLayer(id: string, patch: Partial<Layer>, key: string | null = null): void {
    const layers = this.state.doc.layers;
    const i = layers.findIndex((l) => l.id === id);
    if (i < 0) return;
    const changed = (Object.keys(patch) as (keyof Layer)[]).some((k) => layers[i]![k] !== patch[k]);
    if (!changed) return;
    const next = layers.slice();
    next[i] = { ...layers[i]!, ...patch };
    this.commit({ ...this.state.doc, layers: next }, key);
  }

  setLayerVisible(id: string, visible: boolean): void {
    this.updateLayer(id, { visible });
  }

  /** Pass `merge` while a slider is dragged so the whole drag is one undo step. */
  setLayerOpacity(id: string, opacity: number, merge = false): void {
    this.updateLayer(id, { opacity: clamp01(opacity) }, merge ? `opacity:${id}` : null);
  }

  renameLayer(id: string, name: string): void {
    this.updateLayer(id, { name: name.trim() || t('canvas.defaultLayer') });
  }

  /** Moves a reference layer to `index` in the stack (the base stays at the bottom). */
  moveLayer(id: string, index: number): void {
    const layers = this.state.doc.layers.slice();
    const from = layers.findIndex((l) => l.id === id);
    if (from < 0 || layers[from]!.role === 'base') return;
    const [layer] = layers.splice(from, 1);
    const floor = layers.findIndex((l) => l.role === 'base') + 1;
    const to = Math.max(floor, Math.min(layers.length, Math.round(index)));
    if (to === from) return;
    layers.splice(to, 0, layer!);
    this.commit({ ...this.state.doc, layers });
  }

  setMaskVisible(visible: boolean): void {
    if (this.state.doc.mask.visible === visible) return;
    this.commit({ ...this.state.doc, mask: { ...this.state.doc.mask, visible } });
  }

  setMaskOpacity(opacity: number, merge = false): void {
    this.commit({ ...this.state.doc, mask: { ...this.state.doc.mask, opacity: clamp01(opacity) } }, merge ? 'mask-opacity' : null);
  }

  clearMask(): void {
    if (this.state.doc.mask.strokes.length === 0) return;
    this.commit({ ...this.state.doc, mask: { ...this.state.doc.mask, strokes: [] } });
  }

  // strokes: begin/extend are drafts; endStroke makes the whole stroke one edit

  /**
   * Starts a brush or eraser stroke, or a rectangle or lasso selection (which adds to the mask, or
   * takes away from it with `subtract`), at an image point.
   */
  beginStroke(x: number, y: number, subtract = false): void {
    const { tool } = this.state;
    if (!this.base()) return;
    if (tool.kind === 'rect' || tool.kind === 'lasso') {
      this.set({ draft: { mode: subtract ? 'eraser' : 'brush', shape: tool.kind, size: 0, hardness: 1, points: [x, y, x, y].slice(0, tool.kind === 'rect' ? 4 : 2) } });
      return;
    }
    if (tool.kind !== 'brush' && tool.kind !== 'eraser') return;
    this.set({ draft: { mode: tool.kind, size: tool.size, hardness: tool.hardness, points: [x, y] } });
  }

  extendStroke(x: number, y: number): void {
    const draft = this.state.draft;
    if (!draft) return;
    if (draft.shape === 'rect') {
      this.set({ draft: { ...draft, points: [draft.points[0]!, draft.points[1]!, x, y] } });
      return;
    }
    const n = draft.points.length;
    const dx = x - draft.points[n - 2]!;
    const dy = y - draft.points[n - 1]!;
    // skip moves shorter than a tenth of the brush, or 2 px of a lasso (they add nothing visible)
    const min = draft.shape === 'lasso' ? 2 : draft.size * 0.1;
    if (dx * dx + dy * dy < min * min) return;
    this.set({ draft: { ...draft, points: [...draft.points, x, y] } });
  }

  endStroke(): void {
    const draft = this.state.draft;
    if (!draft) return;
    this.state = { ...this.state, draft: null };
    const p = draft.points;
    const empty = draft.shape === 'rect' ? Math.abs(p[2]! - p[0]!) < 1 || Math.abs(p[3]! - p[1]!) < 1 : draft.shape === 'lasso' && p.length < 6;
    if (empty) return this.set({});
    this.commit({ ...this.state.doc, mask: { ...this.state.doc.mask, strokes: [...this.state.doc.mask.strokes, draft] } });
  }

  setMaskInvert(invert: boolean): void {
    if (this.state.doc.mask.invert === invert) return;
    this.commit({ ...this.state.doc, mask: { ...this.state.doc.mask, invert } });
  }

  /** Grow (positive) or shrink (negative) in pixels; pass `merge` while a slider is dragged. */
  setMaskGrow(grow: number, merge = false): void {
    const v = Math.round(Math.min(MAX_MASK_EDGE, Math.max(-MAX_MASK_EDGE, grow)));
    if (v === this.state.doc.mask.grow) return;
    this.commit({ ...this.state.doc, mask: { ...this.state.doc.mask, grow: v } }, merge ? 'mask-grow' : null);
  }

  setMaskFeather(feather: number, merge = false): void {
    const v = Math.round(Math.min(MAX_MASK_EDGE, Math.max(0, feather)));
    if (v === this.state.doc.mask.feather) return;
    this.commit({ ...this.state.doc, mask: { ...this.state.doc.mask, feather: v } }, merge ? 'mask-feather' : null);
  }

  // extension (outpainting)

  /** Sets how far the canvas reaches beyond the image on each side (whole pixels, 0..MAX_EXTEND); all 0 or null: not extended. */
  setExtend(edges: Edges | null, merge = false): void {
    const e = edges && {
      left: Math.round(Math.min(MAX_EXTEND, Math.max(0, edges.left))),
      top: Math.round(Math.min(MAX_EXTEND, Math.max(0, edges.top))),
      right: Math.round(Math.min(MAX_EXTEND, Math.max(0, edges.right))),
      bottom: Math.round(Math.min(MAX_EXTEND, Math.max(0, edges.bottom))),
    };
    const next = e && e.left + e.top + e.right + e.bottom > 0 ? e : null;
    const cur = this.state.doc.extend;
    if (!this.base() || (next === null && cur === null)) return;
    if (next && cur && next.left === cur.left && next.top === cur.top && next.right === cur.right && next.bottom === cur.bottom) return;
    // a crop made for the old area is dropped (it would cut the new area off)
    this.commit({ ...this.state.doc, extend: next, crop: null }, merge ? 'extend-drag' : null);
  }

  /**
   * The side of the document a handle drag at image point (x, y) moves: the nearest edge of the
   * document area (null without an image).
   */
  extendSideAt(x: number, y: number): keyof Edges | null {
    const a = this.area();
    if (!a) return null;
    const d: [keyof Edges, number][] = [
      ['left', Math.abs(x - a.x)],
      ['right', Math.abs(a.x + a.width - x)],
      ['top', Math.abs(y - a.y)],
      ['bottom', Math.abs(a.y + a.height - y)],
    ];
    return d.reduce((best, e) => (e[1] < best[1] ? e : best))[0];
  }

  /**
   * A handle drag: `side` set to `start` plus how far the pointer went outwards (`delta`, image
   * pixels), snapped to multiples of 32; the whole drag is one undo step (endGesture ends it).
   */
  dragExtend(side: keyof Edges, start: number, delta: number): void {
    const e = { left: 0, top: 0, right: 0, bottom: 0, ...this.state.doc.extend };
    e[side] = Math.max(0, Math.round((start + delta) / CROP_STEP) * CROP_STEP);
    this.setExtend(e, true);
  }

  /** Adds `by` pixels to the sides named. */
  extendBy(by: number, sides: readonly (keyof Edges)[]): void {
    const e = { left: 0, top: 0, right: 0, bottom: 0, ...this.state.doc.extend };
    for (const side of sides) e[side] += by;
    this.setExtend(e);
  }

  /** Extends the shorter way so the document has the aspect `aw`:`ah`, the image centred (never cuts). */
  extendToAspect(aw: number, ah: number): void {
    const base = this.base();
    if (!base || !(aw > 0 && ah > 0)) return;
    const r = aw / ah;
    if (base.width / base.height < r) {
      const add = Math.max(0, Math.round(base.height * r) - base.width);
      this.setExtend({ left: Math.floor(add / 2), right: Math.ceil(add / 2), top: 0, bottom: 0 });
    } else {
      const add = Math.max(0, Math.round(base.width / r) - base.height);
      this.setExtend({ top: Math.floor(add / 2), bottom: Math.ceil(add / 2), left: 0, right: 0 });
    }
  }

  cancelStroke(): void {
    if (this.state.draft) this.set({ draft: null });
  }

  // crop

  /** Sets the crop (clamped to the base image; smaller than 8 px or the whole image: no crop). */
  setCrop(rect: Rect | null): void {
    const crop = rect ? this.clampCrop(rect) : null;
    const same = (a: Rect | null, b: Rect | null) =>
      a === b || (a !== null && b !== null && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);
    if (same(crop, this.state.doc.crop)) return;
    this.commit({ ...this.state.doc, crop });
  }

  private clampCrop(rect: Rect): Rect | null {
    const area = this.area();
    if (!area) return null;
    let { x, y, width, height } = rect;
    if (width < 0) {
      x += width;
      width = -width;
    }
    if (height < 0) {
      y += height;
      height = -height;
    }
    const ax1 = area.x + area.width;
    const ay1 = area.y + area.height;
    const x0 = Math.max(area.x, Math.round(x));
    const y0 = Math.max(area.y, Math.round(y));
    const x1 = Math.min(ax1, Math.round(x + width));
    const y1 = Math.min(ay1, Math.round(y + height));
    if (x1 - x0 < MIN_CROP || y1 - y0 < MIN_CROP) return null;
    // sides snap to sizes the model takes (multiples of 32), kept inside the document around the same centre
    const w = snapTo(x1 - x0, CROP_STEP, area.width);
    const h = snapTo(y1 - y0, CROP_STEP, area.height);
    const cx = Math.min(ax1 - w, Math.max(area.x, Math.round((x0 + x1 - w) / 2)));
    const cy = Math.min(ay1 - h, Math.max(area.y, Math.round((y0 + y1 - h) / 2)));
    if (w === area.width && h === area.height) return null;
    return { x: cx, y: cy, width: w, height: h };
  }

  beginCrop(x: number, y: number): void {
    if (!this.base()) return;
    this.cropAnchor = { x, y };
    this.set({ cropDraft: { x, y, width: 0, height: 0 } });
  }

  dragCrop(x: number, y: number): void {
    const a = this.cropAnchor;
    if (!a) return;
    this.set({ cropDraft: { x: Math.min(a.x, x), y: Math.min(a.y, y), width: Math.abs(x - a.x), height: Math.abs(y - a.y) } });
  }

  endCrop(): void {
    const draft = this.state.cropDraft;
    this.cropAnchor = null;
    if (!draft) return;
    this.state = { ...this.state, cropDraft: null };
    const crop = this.clampCrop(draft);
    if (crop) this.setCrop(crop);
    else this.set({});
  }

  // versions

  /**
   * A result made from `parentId` (default: the current version) becomes the base image. The mask
   * was for the image the result came from, so the new version starts without one (undo brings it back).
   */
  addVersion(image: ImageSource, parentId: string | null = this.state.doc.currentVersionId, place: Rect | null = null): string {
    const id = this.nextId('v');
    const version: Version = {
      id,
      label: image.name ?? t('canvas.versionN', { n: this.state.doc.versions.length + 1 }),
      src: image.src,
      width: image.width,
      height: image.height,
      generationId: image.generationId ?? null,
      parentId,
      place: parentId === null ? null : place,
      visible: true,
      opacity: 1,
      order: this.state.doc.versions.reduce((top, v) => Math.max(top, v.order + 1), 0),
    };
    // the result covers the extended area: the new version is not extended
    const doc = { ...this.state.doc, versions: [...this.state.doc.versions, version], mask: { ...this.state.doc.mask, strokes: [] }, extend: null };
    this.commit(this.withVersion(doc, version));
    return id;
  }

  selectVersion(id: string): void {
    const version = this.state.doc.versions.find((v) => v.id === id);
    if (!version || id === this.state.doc.currentVersionId) return;
    this.commit(this.withVersion(this.state.doc, version));
    if (!version.parentId) this.setCompare(false);
  }

  /** The doc with `version` as its base image; the mask follows a change of resolution, the crop is dropped then. */
  private withVersion(doc: CanvasDoc, version: Version): CanvasDoc {
    const layers = doc.layers.map((l) =>
      l.role === 'base' ? { ...l, src: version.src, width: version.width, height: version.height, generationId: version.generationId } : l,
    );
    const base = doc.layers.find((l) => l.role === 'base');
    const resized = base !== undefined && (base.width !== version.width || base.height !== version.height);
    const mask = resized && base
      ? { ...doc.mask, strokes: scaleStrokes(doc.mask.strokes, version.width / base.width, version.height / base.height) }
      : doc.mask;
    return { ...doc, layers, mask, crop: resized ? null : doc.crop, extend: resized ? null : doc.extend, currentVersionId: version.id };
  }

  // results as layers over their source

  private updateVersion(id: string, patch: Partial<Version>, key: string | null = null): void {
    const versions = this.state.doc.versions;
    const i = versions.findIndex((v) => v.id === id);
    if (i < 0 || versions[i]!.parentId === null) return;
    if ((Object.keys(patch) as (keyof Version)[]).every((k) => versions[i]![k] === patch[k])) return;
    const next = versions.slice();
    next[i] = { ...versions[i]!, ...patch };
    this.commit({ ...this.state.doc, versions: next }, key);
  }

  /** Shows or hides a result over its source. */
  setResultVisible(id: string, visible: boolean): void {
    this.updateVersion(id, { visible });
  }

  /** How opaque a result is over its source; pass `merge` while a slider is dragged. */
  setResultOpacity(id: string, opacity: number, merge = false): void {
    this.updateVersion(id, { opacity: clamp01(opacity) }, merge ? `result-opacity:${id}` : null);
  }

  /**
   * Deletes a result (never the original): the versions made from it are then made from its source,
   * and when it is the current one its source becomes current.
   */
  removeVersion(id: string): void {
    const doc = this.state.doc;
    const gone = doc.versions.find((v) => v.id === id);
    if (!gone || gone.parentId === null) return;
    // where the deleted one's source lies in each of them: its place within the deleted one's place
    const versions = doc.versions
      .filter((v) => v.id !== id)
      .map((v) => (v.parentId === id ? { ...v, parentId: gone.parentId, place: gone.place ? placeWithin(v.place ?? { x: 0, y: 0, width: v.width, height: v.height }, gone, gone.place) : v.place } : v));
    const next = { ...doc, versions };
    const source = versions.find((v) => v.id === gone.parentId)!;
    this.commit(doc.currentVersionId === id ? this.withVersion(next, source) : next);
  }

  /**
   * Moves a result of the current line one place up (+1) or down (-1) among the results of the layer
   * stack (the original stays at the bottom).
   */
  moveResult(id: string, by: 1 | -1): void {
    const results = layerStack(this.state.doc).slice(1).map((l) => l.version);
    const i = results.findIndex((v) => v.id === id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= results.length) return;
    // the stack in its new order, numbered again from the lowest number it used
    const moved = results.slice();
    [moved[i], moved[j]] = [moved[j]!, moved[i]!];
    const base = Math.min(...results.map((v) => v.order));
    const order = new Map(moved.map((v, k) => [v.id, base + k]));
    this.commit({ ...this.state.doc, versions: this.state.doc.versions.map((v) => (order.has(v.id) ? { ...v, order: order.get(v.id)! } : v)) });
  }

  /** The layer stack the current version shows, bottom first (canvas/stack.ts). */
  stack(): StackLayer[] {
    return layerStack(this.state.doc);
  }

  /** The current version's line, oldest first. */
  line(): Version[] {
    return lineOf(this.state.doc);
  }

  /** Whether the stack draws as anything but the current version alone (a result hidden, see-through or moved). */
  blended(): boolean {
    return isBlended(this.state.doc);
  }

  // ───── not edits: tool, view, before/after ─────

  /** The version the current one was made from (what before/after compares it with). */
  sourceVersion(): Version | null {
    const cur = this.currentVersion();
    return (cur?.parentId && this.state.doc.versions.find((v) => v.id === cur.parentId)) || null;
  }

  /** Before/after on (at `split`, 0..1 of the width, default the middle) or off; only for a version that has a source. */
  setCompare(on: boolean, split = this.state.compare?.split ?? 0.5): void {
    if (on && !this.sourceVersion()) return;
    this.set({ compare: on ? { split: clamp01(split) } : null });
  }

  setTool(patch: Partial<Tool>): void {
    const tool = { ...this.state.tool, ...patch };
    tool.size = Math.min(1024, Math.max(1, Math.round(tool.size)));
    tool.hardness = clamp01(tool.hardness);
    this.set({ tool });
  }

  setView(view: View): void {
    this.set({ view: { ...view, zoom: clampZoom(view.zoom) } });
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    this.set({ view: zoomAt(this.state.view, factor, sx, sy) });
  }

  panBy(dx: number, dy: number): void {
    const v = this.state.view;
    this.set({ view: { ...v, panX: v.panX + dx, panY: v.panY + dy } });
  }

  /** The whole document (the image and its extension) in the viewport. */
  fit(viewportW: number, viewportH: number): void {
    const a = this.area();
    if (!a) return;
    const v = fitView(viewportW, viewportH, a.width, a.height);
    this.set({ view: { ...v, panX: v.panX - a.x * v.zoom, panY: v.panY - a.y * v.zoom } });
  }

  actualSize(viewportW: number, viewportH: number): void {
    const base = this.base();
    if (base) this.set({ view: actualSizeView(viewportW, viewportH, base.width, base.height) });
  }
}

