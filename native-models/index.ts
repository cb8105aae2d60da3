/**
 * native-models' public surface: read checkpoints, write ONNX graphs, compile a GLM-Image
 * checkpoint into a model folder, and read that folder's manifest. Module internals (per-module
 * configs, IO specs) stay behind native-models/<module>/index.ts.
 */
export * from './safetensors';
export { commitFile, tempPathFor, writeFileAtomic, writeJsonAtomic, TEMP_SUFFIX } from './atomic-write';
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
export { compileModel, checkpointFingerprint, compiledFolderName, type CompileOptions, type CompileProgress, type TensorProgress, tensorGroup } from './compile';
export {
  parseCompilePrecision,
  moduleChoice,
  choiceKey,
  COMPILE_PRECISIONS,
  PRECISION_PRESETS,
  MODULES,
  CPU_INT8_ACCURACY_LEVEL,
  type CompilePrecision,
  type PrecisionPreset,
  type ModuleName,
  type ModuleChoice,
} from './presets';
export {
  RUNTIME_MODULES,
  ESTIMATE_TEXT_TOKENS,
  bytesPerParam,
  heldBytes,
  PHASE_OVERHEAD_BYTES,
  WEIGHT_OVERHEAD,
  moduleWeightBytes,
  moduleActivationBytes,
  planEviction,
  estimateMemory,
  type RuntimeModule,
  type ModelShapes,
  type ModuleParams,
  type DeviceKind,
  type ActivationOptions,
  type LoadedModule,
  type EstimateInput,
  type MemoryEstimate,
  type PhaseEstimate,
} from './memory';
export { readModelShapes, readModuleParams } from './model-shapes';
export { OUTPUT_MARKER, MODULE_RECORD } from './output-folder';
export { buildAr, type BuildArOptions, type BuildArResult } from './ar';
export { buildVision, type BuildVisionOptions, type VisionModelDescription } from './vision';
export { buildGlyph, type BuildGlyphOptions, type GlyphModelDescription } from './glyph';
export { buildDit, type DitBuildOptions, type DitModelDescription } from './dit';
export { buildVae, type BuildVaeOptions, type VaeModelDescription } from './vae';
