/**
 * The canvas editor's state as a plain store outside React (after tldraw's store): the document
 * (layers, mask strokes, crop, versions) with an undo/redo history where every edit is one entry, plus
 * the view (zoom/pan) and the tool, which are not edits. React subscribes and draws; tests drive it
 * directly.
 */
import { t } from '../i18n';
import { scaleStrokes } from './mask';
import type { CanvasDoc, CanvasState, Layer, Rect, Stroke, Tool, Version, View } from './types';
import { actualSizeView, clampZoom, fitView, zoomAt } from './view';

export interface ImageSource {
  src: string;
  width: number;
  height: number;
  name?: string;
  generationId?: string | null;
}

export interface CanvasStoreOptions {
  /** Most undo steps kept (oldest dropped first). */
  historyLimit?: number;
}

const EMPTY_DOC: CanvasDoc = {
  layers: [],
  mask: { strokes: [], visible: true, opacity: 0.5 },
  crop: null,
  versions: [],
  currentVersionId: null,
};

const MIN_CROP = 8;
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
    return this.past.length > 0 || d.mask.strokes.length > 0 || d.layers.length > 1 || d.versions.length > 1 || d.crop !== null;
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
    };
    const version: Version = {
      id: versionId,
      label: t('canvas.original'),
      src: image.src,
      width: image.width,
      height: image.height,
      generationId: image.generationId ?? null,
      parentId: null,
    };
    this.past = [];
    this.future = [];
    this.lastKey = null;
    this.set({ doc: { ...EMPTY_DOC, layers: [base], versions: [version], currentVersionId: versionId }, draft: null, cropDraft: null });
  }

  /**
   * A document as it was kept (the workspace's draft): the base, its references, the mask strokes and
   * the crop, with a fresh history (restoring is not an edit).
   */
  restore(base: ImageSource, references: readonly ImageSource[], strokes: readonly Stroke[], crop: Rect | null): void {
    this.open(base);
    const layers = [...this.state.doc.layers];
    for (const r of references) {
      layers.push({ id: this.nextId('layer'), name: r.name ?? t('canvas.defaultReference'), role: 'reference', src: r.src, width: r.width, height: r.height, visible: true, opacity: 1, generationId: r.generationId ?? null });
    }
    const doc = { ...this.state.doc, layers, mask: { ...this.state.doc.mask, strokes: [...strokes] } };
    this.state = { ...this.state, doc };
    this.set({ doc: { ...doc, crop: crop ? this.clampCrop(crop) : null } });
  }

  /** Adds a reference image (style, subject, extra) above the base; returns its id. */
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
    };
    this.commit({ ...this.state.doc, layers: [...this.state.doc.layers, layer] });
    return id;
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

  beginStroke(x: number, y: number): void {
    const { tool } = this.state;
    if (!this.base() || (tool.kind !== 'brush' && tool.kind !== 'eraser')) return;
    this.set({ draft: { mode: tool.kind, size: tool.size, hardness: tool.hardness, points: [x, y] } });
  }

  extendStroke(x: number, y: number): void {
    const draft = this.state.draft;
    if (!draft) return;
    const n = draft.points.length;
    const dx = x - draft.points[n - 2]!;
    const dy = y - draft.points[n - 1]!;
    // skip moves shorter than a tenth of the brush (they add nothing visible)
    if (dx * dx + dy * dy < (draft.size * 0.1) ** 2) return;
    this.set({ draft: { ...draft, points: [...draft.points, x, y] } });
  }

  endStroke(): void {
    const draft = this.state.draft;
    if (!draft) return;
    this.state = { ...this.state, draft: null };
    this.commit({ ...this.state.doc, mask: { ...this.state.doc.mask, strokes: [...this.state.doc.mask.strokes, draft] } });
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
    const base = this.base();
    if (!base) return null;
    let { x, y, width, height } = rect;
    if (width < 0) {
      x += width;
      width = -width;
    }
    if (height < 0) {
      y += height;
      height = -height;
    }
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(base.width, Math.round(x + width));
    const y1 = Math.min(base.height, Math.round(y + height));
    if (x1 - x0 < MIN_CROP || y1 - y0 < MIN_CROP) return null;
    // sides snap to sizes the model takes (multiples of 32), kept inside the image around the same centre
    const w = snapTo(x1 - x0, CROP_STEP, base.width);
    const h = snapTo(y1 - y0, CROP_STEP, base.height);
    const cx = Math.min(base.width - w, Math.max(0, Math.round((x0 + x1 - w) / 2)));
    const cy = Math.min(base.height - h, Math.max(0, Math.round((y0 + y1 - h) / 2)));
    if (w === base.width && h === base.height) return null;
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
  addVersion(image: ImageSource, parentId: string | null = this.state.doc.currentVersionId): string {
    const id = this.nextId('v');
    const version: Version = {
      id,
      label: image.name ?? t('canvas.versionN', { n: this.state.doc.versions.length + 1 }),
      src: image.src,
      width: image.width,
      height: image.height,
      generationId: image.generationId ?? null,
      parentId,
    };
    const doc = { ...this.state.doc, versions: [...this.state.doc.versions, version], mask: { ...this.state.doc.mask, strokes: [] } };
    this.commit(this.withVersion(doc, version));
    return id;
  }

  selectVersion(id: string): void {
    const version = this.state.doc.versions.find((v) => v.id === id);
    if (!version || id === this.state.doc.currentVersionId) return;
    this.commit(this.withVersion(this.state.doc, version));
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
    return { ...doc, layers, mask, crop: resized ? null : doc.crop, currentVersionId: version.id };
  }

  // ───── not edits: tool and view ─────

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

  fit(viewportW: number, viewportH: number): void {
    const base = this.base();
    if (base) this.set({ view: fitView(viewportW, viewportH, base.width, base.height) });
  }

  actualSize(viewportW: number, viewportH: number): void {
    const base = this.base();
    if (base) this.set({ view: actualSizeView(viewportW, viewportH, base.width, base.height) });
  }
}

