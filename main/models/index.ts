/**
 * Model manager: find GLM-Image (Hugging Face cache, any folder), validate it, import it, download it from the hub
 * with resume and verification, and list the models folder. Plain Node; no Electron.
 */
export { COMPONENTS, DEFAULT_REPO, MODEL_INDEX, isNeededRepoFile, type ComponentSpec } from './layout';
export {
  validateCheckpoint,
  reportMessage,
  summarizePrecision,
  type ValidationReport,
  type ValidationProblem,
  type ComponentReport,
  type ProblemKind,
} from './validate';
export { findInHfCache, hubCacheDir, repoCacheFolderName, type CachedCheckpoint, type FindInCacheOptions } from './hf-cache';
export { diskFreeBytes, ensureFreeSpace, DEFAULT_RESERVE_BYTES, type FreeSpaceFn } from './disk-space';
export { resolveHub, DEFAULT_ENDPOINT, type HubSettings, type ResolvedHub, type RemoteFile } from './hub-client';
export {
  downloadCheckpoint,
  checkpointFolderName,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadPhase,
  type DownloadResult,
  type DownloadedFile,
  type HashMismatch,
} from './download';
export { DOWNLOAD_RECORD, readDownloadRecord, type DownloadRecord } from './download-record';
export {
  listModels,
  importCheckpoint,
  removeModel,
  downloadFolder,
  CHECKPOINTS_DIR,
  COMPILED_DIR,
  REFERENCES_FILE,
  NAME_FILE,
  type ModelEntry,
  type ModelKind,
  type ModelSource,
  type ModelStatus,
  type ImportOptions,
  type ImportProgress,
  type ListModelsOptions,
  type RemovedModel,
} from './models-folder';
export { DownloadJobs, type DownloadJob, type DownloadState, type StartDownload, type DownloadJobListener } from './download-jobs';
export { CompileJobs, compiledFolderFor, type CompileJob, type CompileState, type CompileJobListener } from './compile-jobs';
export { describeCompiled, type CompiledDescription, type CompiledStatus } from './compiled';
export { SpeedMeter } from './speed-meter';
export { estimateTier, estimateTiers, modelMemoryInfo, type ModelMemoryInfo, type TierEstimateOptions } from './tier-estimate';
export { detectDeviceMemory, parseNvidiaSmi, readAmdVram, type DeviceMemory } from './device-memory';
export { resolveModel, displayNameFor, type ModelLookup } from './names';
