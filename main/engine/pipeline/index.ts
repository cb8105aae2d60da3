/**
 * The engine pipeline: compiled model + sessions under a memory profile + the numbered GLM-Image
 * generation (text-to-image, edit, style, identity, masked edits), progress streamers, recipes.
 */
export { Engine, checkRequestImages, randomSeed, requestImages } from './engine';
export type { EngineOptions, EngineSettings, GenerateOptions, GeneratedImage, JobInputs } from './engine';
export { runChoices } from './engine';
export { CompiledModel, type ModuleKey } from './model';
export { ModuleSessions, profilePlan, withProfile, type MemoryPlan, type JobSize } from './sessions';
export { runPipeline, type PipelineContext, type PipelineInput, type PipelineOutput } from './pipeline';
export { PhaseClock, type PipelineEvent, type PipelineStreamer, type PreviewImage } from './progress';
export { latentPreview, tokenGridPreview } from './preview';
export { blendMasked, forcedCells, maskAt, maskedCells, maskIsSoft, sourceIdsOnGrid, type PixelMask } from './mask';
export { fitReference, referenceSize, resizeCover } from './references';
export { decodeTokens, encodeTokens, tokensHash } from './recipe';
