/** The canvas editor's state and arithmetic (plain TypeScript, no React): what tests import. */
export { CanvasStore, CROP_STEP, type CanvasStoreOptions, type ImageSource } from './store';
export { type CanvasForm, type CanvasMode, DEFAULT_CANVAS_FORM, nextCanvasForm } from './form';
export { outputSize, type OutputSize } from './output';
export { applyStroke, cropMask, maskIsEmpty, MaskRaster, rasterizeStrokes, scaleStrokes, strokeCoverage } from './mask';
export { actualSizeView, clampZoom, fitView, imageToScreen, MAX_ZOOM, MIN_ZOOM, screenToImage, wheelFactor, zoomAt } from './view';
export type * from './types';
