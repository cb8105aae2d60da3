/** The canvas editor's state and arithmetic (plain TypeScript, no React): what tests import. */
export { CanvasStore, CROP_STEP, MAX_EXTEND, MAX_MASK_EDGE, type CanvasStoreOptions, type ImageSource } from './store';
export { type CanvasForm, type CanvasMode, DEFAULT_CANVAS_FORM, nextCanvasForm } from './form';
export { outputSize, type OutputSize } from './output';
export { documentOfDraft, draftOfDocument, keepDocument, type KeptDocument } from './keep';
export { imagesForMode, MAX_EDIT_REFERENCES, type ImageUse, type ModeImages } from './slots';
export { SLOT_ROLES } from './types';
export { applyStroke, cropMask, distanceTo, docRect, featherMask, finishMask, growMask, maskIsEmpty, maskIsPlain, MaskRaster, rasterizeMask, rasterizeStrokes, scaleStrokes, shapePolygon, strokeCoverage } from './mask';
export { actualSizeView, clampZoom, fitView, imageToScreen, MAX_ZOOM, MIN_ZOOM, screenToImage, wheelFactor, zoomAt } from './view';
export type * from './types';
