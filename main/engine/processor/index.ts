export { GlmTokenizer, type TokenizerConfig } from './tokenizer';
export {
  GlmImageProcessor,
  type ImageProcessorSettings,
  type ImageToImageRequest,
  type ProcessedPrompt,
  type TextToImageRequest,
} from './processor';
export {
  AR_TOKEN_PIXELS,
  checkOutputSize,
  targetGrids,
  targetShapeSuffix,
  type GridShape,
  type TargetGrids,
} from './grids';
export { Positions3D, ropeIndex, type RopeIndex, type RopeIndexInput } from './positions';
export { DEFAULT_RESIZE, referenceGrid, roundHalfEven, smartResize, type ResizedSize, type SmartResizeOptions } from './resize';
