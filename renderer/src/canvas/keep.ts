/**
 * The canvas document as it is kept in the workspace (contract CanvasDraft) and brought back: the
 * versions with their links, the references with their roles, the mask with its settings, the crop,
 * the extension and the view. Plain values; how an image becomes something storable (a library id,
 * a data URL) is given by the caller, so this runs in Node tests as it does in the window.
 */
import type { CanvasDraft, DraftImage } from '../../../main/contract';
import type { ImageSource } from './store';
import type { CanvasDoc, Edges, Layer, Rect, SlotRole, Stroke, Version, View } from './types';

/** Everything of a document that comes back after a reload, with its images as sources. */
export interface KeptDocument {
  /** Oldest first; at least one. */
  versions: { image: ImageSource; label: string; parent: number | null; place?: Rect | null; visible?: boolean; opacity?: number; order?: number }[];
  current: number;
  references: (ImageSource & { slot: SlotRole; visible: boolean })[];
  strokes: readonly Stroke[];
  mask: { invert: boolean; grow: number; feather: number; visible: boolean; opacity: number };
  crop: Rect | null;
  extend: Edges | null;
  view: View | null;
}

/** The limits CanvasDraft puts on what is kept. */
const MAX_REFERENCES = 4;
const MAX_VERSIONS = 200;
const MAX_STROKES = 2000;
const MAX_POINTS = 40_000;

function sourceOf(x: Layer | Version): ImageSource {
  return { src: x.src, width: x.width, height: x.height, name: 'name' in x ? x.name : x.label, generationId: x.generationId };
}

/** The document as plain values (null when there is no image). */
export function keepDocument(doc: CanvasDoc, view: View | null): KeptDocument | null {
  const base = doc.layers.find((l) => l.role === 'base');
  if (!base) return null;
  const versions = doc.versions.slice(-MAX_VERSIONS);
  let current = versions.findIndex((v) => v.id === doc.currentVersionId);
  // the current version's image carries the base layer's name (the version its label)
  const kept = versions.map((v, i) => ({ image: i === current ? { ...sourceOf(v), name: base.name } : sourceOf(v), label: v.label, parent: versions.findIndex((p) => p.id === v.parentId), place: v.place, visible: v.visible, opacity: v.opacity, order: v.order }));
  if (current < 0) {
    kept.push({ image: sourceOf(base), label: base.name, parent: -1, place: null, visible: true, opacity: 1, order: 0 });
    current = kept.length - 1;
  }
  return {
    versions: kept.map((v) => ({ ...v, parent: v.parent >= 0 ? v.parent : null })),
    current,
    references: doc.layers
      .filter((l) => l.role === 'reference')
      .slice(0, MAX_REFERENCES)
      .map((l) => ({ ...sourceOf(l), slot: l.slot ?? 'content', visible: l.visible })),
    strokes: doc.mask.strokes.slice(-MAX_STROKES).map((s) => ({ ...s, points: s.points.slice(0, MAX_POINTS) })),
    mask: { invert: doc.mask.invert, grow: doc.mask.grow, feather: doc.mask.feather, visible: doc.mask.visible, opacity: doc.mask.opacity },
    crop: doc.crop,
    extend: doc.extend,
    view,
  };
}

/**
 * The kept document as the workspace's canvas draft (the mode panel is added by the caller). An
 * image `store` cannot keep (too large, unreadable) is left out; the current version's image is
 * `base` and stands as null in `versions` (kept once).
 */
export async function draftOfDocument(kept: KeptDocument, store: (image: ImageSource) => Promise<DraftImage | null>): Promise<CanvasDraft> {
  const base = await store(kept.versions[kept.current]!.image);
  const versions: NonNullable<CanvasDraft['versions']> = [];
  const index = new Map<number, number>();
  for (const [i, v] of kept.versions.entries()) {
    const image = i === kept.current ? null : await store(v.image);
    if (i !== kept.current && image === null) continue;
    index.set(i, versions.length);
    versions.push({ image, label: v.label.slice(0, 200), parent: v.parent, ...(v.place ? { place: v.place } : {}), visible: v.visible ?? true, opacity: v.opacity ?? 1, ...(v.order !== undefined ? { order: v.order } : {}) });
  }
  // parents by their new places (a version left out is no one's parent)
  for (const v of versions) v.parent = v.parent === null ? null : (index.get(v.parent) ?? null);
  const refs: { image: DraftImage; slot: SlotRole; visible: boolean }[] = [];
  for (const r of kept.references) {
    const image = await store(r);
    if (image) refs.push({ image, slot: r.slot, visible: r.visible });
  }
  return {
    base,
    versions: base ? versions : [],
    references: refs.map((r) => r.image),
    referenceRoles: refs.map((r) => r.slot),
    referenceVisible: refs.map((r) => r.visible),
    strokes: kept.strokes.map((s) => ({ ...s, points: [...s.points] })),
    maskEdit: { ...kept.mask },
    crop: kept.crop,
    extend: kept.extend,
    ...(kept.view ? { view: kept.view } : {}),
  };
}

/** The document a workspace draft holds, its images brought back by `load` (null: gone); null when its image is gone. */
export async function documentOfDraft(draft: CanvasDraft, load: (image: DraftImage) => Promise<ImageSource | null>): Promise<KeptDocument | null> {
  const base = draft.base ? await load(draft.base) : null;
  if (!base) return null;
  const kept: KeptDocument['versions'] = [];
  const index = new Map<number, number>();
  let current = -1;
  for (const [i, v] of (draft.versions ?? []).entries()) {
    const image = v.image === null ? base : await load(v.image);
    if (!image) continue;
    if (v.image === null) current = kept.length;
    index.set(i, kept.length);
    kept.push({ image, label: v.label, parent: v.parent, place: v.place ?? null, visible: v.visible ?? true, opacity: v.opacity ?? 1, ...(v.order !== undefined ? { order: v.order } : {}) });
  }
  for (const v of kept) {
    v.parent = v.parent === null ? null : (index.get(v.parent) ?? null);
    if (v.parent === null) v.place = null;
  }
  if (current < 0) {
    kept.push({ image: base, label: base.name ?? '', parent: null });
    current = kept.length - 1;
  }
  const references: KeptDocument['references'] = [];
  for (const [i, r] of (draft.references ?? []).entries()) {
    const image = await load(r);
    if (image) references.push({ ...image, slot: draft.referenceRoles?.[i] ?? 'content', visible: draft.referenceVisible?.[i] ?? true });
  }
  const m = draft.maskEdit ?? {};
  return {
    versions: kept,
    current,
    references,
    strokes: draft.strokes ?? [],
    mask: { invert: m.invert ?? false, grow: m.grow ?? 0, feather: m.feather ?? 0, visible: m.visible ?? true, opacity: m.opacity ?? 0.5 },
    crop: draft.crop ?? null,
    extend: draft.extend ?? null,
    view: draft.view ?? null,
  };
}
