/** The canvas editor's state and arithmetic (plain TypeScript, no React): what tests import. */
export { CanvasStore, type CanvasStoreOptions, type ImageSource } from './store';
export { applyStroke, cropMask, maskIsEmpty, MaskRaster, rasterizeStrokes, scaleStrokes, strokeCoverage } from './mask';
export { actualSizeView, clampZoom, fitView, imageToScreen, MAX_ZOOM, MIN_ZOOM, screenToImage, wheelFactor, zoomAt } from './view';
export type * from './types';
