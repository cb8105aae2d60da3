/** The AR engine: compiled-graph session with KV cache, sampler pieces, generation loop. */
export { ArModel, type ArCacheSnapshot, type ArStepModel, type ArModelManifest, type LoadArOptions } from './ar-model';
export {
  AR_SAMPLING_DEFAULTS,
  defaultProcessors,
  generateImageTokens,
  prefillPrompt,
  type ArPrefill,
  type ArPrompt,
  type GenerateOptions,
  type GenerateResult,
  type GridTokens,
} from './generate';
export { GridPlan, upsampleNearest2x, type CellRef, type GridRole, type PlannedGrid } from './grid-plan';
export {
  CodebookMaskProcessor,
  ForcedTokensProcessor,
  LogitsProcessorList,
  TemperatureWarper,
  TopKWarper,
  TopPWarper,
  type ForcedCells,
  type LogitsProcessor,
  type StepContext,
} from './logits-processors';
export { argmax, sampleToken, type RandomSource } from './sampler';
export { AbortCriterion, EndTokenCriterion, checkStop, type StoppingCriterion, type StoppingState } from './stopping';
export type { TokenEvent, TokenStreamer } from './streamer';
export { readGenerationDefaults, type ArSamplingDefaults } from './generation-config';
