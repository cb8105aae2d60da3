/**
 * Remote engines: running jobs on other servers. OpenAI-compatible image servers (vLLM-Omni,
 * SGLang-Diffusion) and other Glimmer servers, behind one interface (RemoteEngine) the studio's queue
 * runs a job on; pools that share jobs among servers of one kind; the checks and limits every
 * exchange goes through (timeouts, stalls, size caps, retries, images checked before they are kept).
 */
export type { EngineOptions, RemoteEngine, RemoteImage, RemoteInputs, RemoteJob, RemoteProgress, RemoteRunOptions, ServerConfig } from './types';
export { OpenAiEngine, blockingProblem, describeLimits } from './openai-engine';
export { GlimmerEngine, CLIENT_HEADER, type GlimmerEngineOptions } from './glimmer-engine';
export { createEngine } from './create-engine';
export { detectKind } from './detect';
export { ServerHealth, PoolRotation, runOnPool, isServerFault, type PoolMember } from './pool';
export { EtaHistory, jobUnits, ETA_SAMPLES } from './eta';
export { RemoteError, type RemoteFailure } from './errors';
export { JOB_LIMITS, CALL_LIMITS } from './engine-options';
export type { HttpLimits } from './http-request';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export { checkRemoteImage, MAX_REMOTE_PIXELS } from './image-check';
export { encodeMultipart, decodeMultipart, multipartBoundary, sniffImageType, type FormPart, type FormFile } from './multipart';
export { requestImageBytes } from './request-images';
export { decodeBase64, GENERATIONS_PATH, EDITS_PATH, roundTo32 } from './openai-wire';
