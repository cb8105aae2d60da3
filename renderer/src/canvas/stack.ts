/**
 * The layer stack a version shows: every result is a layer over the version it was made from. The
 * current version's line (the original, the result made from it, the result made from that, … up to
 * the current one) is drawn bottom to top in the current version's pixels: the original at the
 * bottom, always whole; each result over it at its own opacity (none when hidden), in the order the
 * user gave (`Version.order`, higher over lower; by default the order they were made in, so the
 * current version is on top). What is drawn is what is exported and what a next job is sent.
 *
 * Pure: no DOM, no store; the store and the drawing code both read it.
 */
import type { CanvasDoc, Rect, Version } from './types';

export interface StackLayer {
  version: Version;
  /** Where the version lies in the current version's pixels. */
  at: Rect;
  /** What it is drawn at, 0..1: the original always 1; a result its opacity, 0 when hidden. */
  alpha: number;
}

/**
 * Where `parent` lies in the pixels of the version that lies at `outer` (in the current version's
 * pixels): `place` is the parent's rectangle in that version's own pixels (null: the whole of it).
 */
export function placeWithin(outer: Rect, child: { width: number; height: number }, place: Rect | null): Rect {
  if (!place) return outer;
  const sx = outer.width / child.width;
  const sy = outer.height / child.height;
  return { x: outer.x + place.x * sx, y: outer.y + place.y * sy, width: place.width * sx, height: place.height * sy };
}

/** The current version's line, oldest first (the original first); empty without a current version. */
export function lineOf(doc: CanvasDoc): Version[] {
  const byId = new Map(doc.versions.map((v) => [v.id, v]));
  const line: Version[] = [];
  const seen = new Set<string>();
  for (let v = doc.currentVersionId ? byId.get(doc.currentVersionId) : undefined; v && !seen.has(v.id); v = v.parentId ? byId.get(v.parentId) : undefined) {
    seen.add(v.id);
    line.unshift(v);
  }
  return line;
}

/** The stack the current version shows, bottom first (see the file's comment). */
export function layerStack(doc: CanvasDoc): StackLayer[] {
  const line = lineOf(doc);
  const current = line[line.length - 1];
  if (!current) return [];
  // each version's rectangle in the current version's pixels, from the current one down to the original
  const at = new Map<string, Rect>();
  let outer: Rect = { x: 0, y: 0, width: current.width, height: current.height };
  at.set(current.id, outer);
  for (let i = line.length - 1; i > 0; i--) {
    const child = line[i]!;
    outer = placeWithin(outer, child, child.place);
    at.set(line[i - 1]!.id, outer);
  }
  const [original, ...results] = line;
  const ordered = results.map((v, i) => ({ v, i })).sort((a, b) => a.v.order - b.v.order || a.i - b.i);
  return [
    { version: original!, at: at.get(original!.id)!, alpha: 1 },
    ...ordered.map(({ v }) => ({ version: v, at: at.get(v.id)!, alpha: v.visible ? v.opacity : 0 })),
  ];
}

/** Whether the stack draws as anything but the current version alone (a result hidden, see-through or moved under another). */
export function isBlended(doc: CanvasDoc): boolean {
  const stack = layerStack(doc);
  const top = stack[stack.length - 1];
  return stack.length > 1 && !(top !== undefined && top.version.id === doc.currentVersionId && top.alpha === 1);
}
