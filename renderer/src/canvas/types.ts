/** The canvas editor's data: plain values, no React, no DOM. */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What a layer is used for when a job is submitted. */
export type LayerRole = 'base' | 'reference';

/** What a reference slot gives a job: the content to redraw, the style to take, the subject to keep. */
export type SlotRole = 'content' | 'style' | 'subject';
export const SLOT_ROLES: readonly SlotRole[] = ['content', 'style', 'subject'];

export interface Layer {
  id: string;
  name: string;
  role: LayerRole;
  /** Image URL (glimmer-media://, /media/, blob: or data:). */
  src: string;
  width: number;
  height: number;
  visible: boolean;
  /** 0..1 */
  opacity: number;
  /** The library generation this image is, when it is one. */
  generationId: string | null;
  /** A reference's role (references are slots, in the order the prompt sees them); null for the base. */
  slot: SlotRole | null;
}

export type StrokeMode = 'brush' | 'eraser';

/**
 * One mask stroke in image pixels: a brush adds to the mask, an eraser removes from it. A selection
 * (`shape`) fills its outline instead of sweeping a brush: 'rect' from (x0, y0) to (x1, y1), 'lasso'
 * the polygon through its points; size and hardness do not apply to it.
 */
export interface Stroke {
  mode: StrokeMode;
  shape?: 'rect' | 'lasso';
  /** Diameter in image pixels. */
  size: number;
  /** 1: hard edge; 0: soft all the way from the centre. */
  hardness: number;
  /** x0, y0, x1, y1, … in image pixels. */
  points: readonly number[];
}

export interface MaskLayer {
  strokes: readonly Stroke[];
  visible: boolean;
  /** How strongly the mask overlay is drawn (not what is sent). */
  opacity: number;
  /** The painted/selected area flipped (what was kept changes and the other way round). */
  invert: boolean;
  /** Pixels the mask grows by (negative: shrinks). */
  grow: number;
  /** Pixels of soft edge outside the mask. */
  feather: number;
}

/** Pixels added on each side of the image (outpainting): the new area is always part of the mask. */
export interface Edges {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A version of the base image: the original, or a result made from another version. */
export interface Version {
  id: string;
  label: string;
  src: string;
  width: number;
  height: number;
  generationId: string | null;
  /** The version it was made from (null for an opened image). */
  parentId: string | null;
  /**
   * Where the version it was made from lies in this one's pixels (a crop, an extension or a change of
   * size moves and scales it); null: over the whole image.
   */
  place: Rect | null;
  /**
   * A result is a layer over its source: shown or hidden, and how opaque over it (0..1). What is
   * drawn, exported and sent on is the two flattened. The original ignores them.
   */
  visible: boolean;
  opacity: number;
  /**
   * Where a result is drawn among the results of its line (canvas/stack.ts): higher over lower. New
   * results get the next number, so by default each is over the one it was made from.
   */
  order: number;
}

/** The undoable part: every change to it is one entry in the history. */
export interface CanvasDoc {
  layers: readonly Layer[];
  mask: MaskLayer;
  /** In base-image pixels (it may reach into the extension); null: the whole document. */
  crop: Rect | null;
  /** The canvas extended beyond the base image (outpainting); null: not extended. */
  extend: Edges | null;
  versions: readonly Version[];
  currentVersionId: string | null;
}

/** Screen placement: image pixel (ix, iy) is drawn at (panX + ix * zoom, panY + iy * zoom). */
export interface View {
  zoom: number;
  panX: number;
  panY: number;
}

export type ToolKind = 'brush' | 'eraser' | 'rect' | 'lasso' | 'pan' | 'crop' | 'extend';

export interface Tool {
  kind: ToolKind;
  /** Brush/eraser diameter in image pixels. */
  size: number;
  hardness: number;
}

export interface CanvasState {
  doc: CanvasDoc;
  view: View;
  tool: Tool;
  /** The stroke or selection being drawn (committed to the doc on endStroke). */
  draft: Stroke | null;
  /** The crop rectangle being dragged (committed on endCrop). */
  cropDraft: Rect | null;
  canUndo: boolean;
  canRedo: boolean;
  /** Before/after: the current version's source drawn left of `split` (0..1 of the width); null: off. Not an edit. */
  compare: { split: number } | null;
}
