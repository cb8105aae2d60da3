/**
 * native-models' public surface: read checkpoints, write ONNX graphs, compile a GLM-Image
 * checkpoint into a model folder, and read that folder's manifest. Module internals (per-module
 * configs, IO specs) stay behind native-models/<module>/index.ts.
 */
export * from './safetensors';
export * from './onnx';
export { toBFloat16, fromBFloat16, float32ToHalfBits, halfBitsToFloat32 } from './float16';
export {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  readManifest,
  writeManifest,
  verifyManifest,
  verifySources,
  hashSources,
  sha256File,
  manifestId,
  type ModelManifest,
  type ManifestModule,
  type ManifestFile,
  type SourceFile,
} from './manifest';
export {
  compileModel,
  checkpointFingerprint,
  compiledFolderName,
  parseCompilePrecision,
  COMPILE_PRECISIONS,
  PRECISION_PRESETS,
  MODULES,
  type CompilePrecision,
  type CompileOptions,
  type CompileProgress,
  type TensorProgress,
  tensorGroup,
  type PrecisionPreset,
  type ModuleName,
} from './compile';
export { buildAr, type BuildArOptions, type BuildArResult } from './ar';
export { buildVision, type BuildVisionOptions, type VisionModelDescription } from './vision';
export { buildGlyph, type BuildGlyphOptions, type GlyphModelDescription } from './glyph';
export { buildDit, type DitBuildOptions, type DitModelDescription } from './dit';
export { buildVae, type BuildVaeOptions, type VaeModelDescription } from './vae';
