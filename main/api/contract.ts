/**
 * The one API contract of Glimmer Studio: every method's request schema (validated before a handler
 * sees it) and response type, every event, and the error shape. main, preload and renderer import
 * this file; the transports (Electron IPC, `serve` HTTP + WebSocket) carry exactly these messages.
 *
 * Sections are delimited by concern; each concern's handlers live in main/api/handlers/<concern>.ts.
 */
import { z } from 'zod';
import type { ErrorShape } from './errors';
import type { Generation, GenerationSummary, MediaPaths, Project } from '../library/types';
import type { DownloadProgress } from '../models/download';

export type { ErrorShape, ErrorCode } from './errors';

/** Limits every transport enforces before parsing. */
export const LIMITS = {
  /** Largest request body in bytes (a few reference images as base64 fit). */
  maxRequestBytes: 64 * 1024 * 1024,
  maxPromptChars: 20_000,
} as const;

const empty = z.object({}).strict();

// ───────────────────────────── system ─────────────────────────────

export const ProviderName = z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
export type ProviderName = z.infer<typeof ProviderName>;

export interface ProviderStatus {
  name: ProviderName;
  /** Shipped in this onnxruntime-node build for this platform. */
  bundled: boolean;
  /** A session could actually be created with it on this machine. */
  available: boolean;
  /** Why it is or is not usable, in words a user can act on. */
  reason: string;
}

export interface SystemInfo {
  app: { name: string; version: string };
  platform: { os: string; arch: string; release: string; cpus: number; totalMemoryBytes: number };
  runtime: { node: string; electron: string | null; mode: 'electron' | 'serve' | 'cli' };
  onnxruntime: { version: string; providers: ProviderStatus[]; chosen: ProviderName; chosenReason: string };
  paths: { dataDir: string; modelsDir: string };
}


// ───────────────────────────── engine (jobs, settings) ─────────────────────────────

/** An image handed to the engine: a generation already in the library, or the bytes themselves. */
export const ImageRef = z.union([
  z.object({ generationId: z.string().min(1).max(100) }).strict(),
  z
    .object({
      /** base64 of a PNG, JPEG or WebP file (no data: prefix). */
      dataBase64: z.string().min(1).max(LIMITS.maxRequestBytes),
      name: z.string().max(260).optional(),
    })
    .strict(),
]);
export type ImageRef = z.infer<typeof ImageRef>;

/** Sizes: multiples of 32; the loaded model narrows the range (GLM-Image: 512..2048). */
const side = z.number().int().min(32).max(2048).refine((n) => n % 32 === 0, 'must be a multiple of 32');

const generationCommon = {
  prompt: z.string().max(LIMITS.maxPromptChars),
  width: side.default(1024),
  height: side.default(1024),
  steps: z.number().int().min(1).max(200).default(50),
  guidance: z.number().min(0).max(20).default(1.5),
  /** Absent: a random seed, recorded in the recipe. */
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  count: z.number().int().min(1).max(16).default(1),
  projectId: z.string().max(100).optional(),
  /** "Vary details": reuse this generation's AR tokens with new noise. */
  reuseTokensOf: z.string().max(100).optional(),
  /** Parent generation (edits, variations). */
  parentId: z.string().max(100).optional(),
};

export const GenerateRequest = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('text'), ...generationCommon }).strict(),
  z
    .object({
      mode: z.literal('edit'),
      ...generationCommon,
      images: z.array(ImageRef).min(1).max(4),
      /** White = change, black = keep; same aspect as images[0]. */
      mask: ImageRef.optional(),
    })
    .strict(),
  z.object({ mode: z.literal('style'), ...generationCommon, content: ImageRef, style: ImageRef }).strict(),
  z.object({ mode: z.literal('identity'), ...generationCommon, subject: ImageRef }).strict(),
]);
export type GenerateRequest = z.infer<typeof GenerateRequest>;
export type GenerateRequestInput = z.input<typeof GenerateRequest>;

export const Phase = z.enum(['queued', 'load', 'tokenize', 'ar', 'glyph', 'dit', 'vae', 'save']);
export type Phase = z.infer<typeof Phase>;

export type JobState = 'waiting' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobInfo {
  id: string;
  state: JobState;
  /** Order among waiting jobs (0 runs next). */
  position: number;
  request: GenerateRequest;
  createdAt: number;
  updatedAt: number;
  progress: JobProgress | null;
  /** Generations written by this job so far. */
  generationIds: string[];
  error: ErrorShape | null;
}

export interface JobProgress {
  phase: Phase;
  step: number;
  total: number;
  /** Which image of `count` (0-based). */
  image: number;
  etaMs: number | null;
  /** Small PNG preview (data: URL) of the AR grid or of the latents, when one is ready. */
  preview?: string;
}

export const MemoryProfile = z.enum(['resident', 'sequential']);
export type MemoryProfile = z.infer<typeof MemoryProfile>;

export const Settings = z
  .object({
    /** Compiled model folder (or a checkpoint to compile); null: none chosen yet. */
    modelDir: z.string().max(4096).nullable(),
    provider: z.union([z.literal('auto'), ProviderName]),
    memoryProfile: MemoryProfile,
    precision: z.enum(['fp32', 'fp16', 'int8', 'int4']),
    theme: z.enum(['system', 'light', 'dark']),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export interface EngineStatus {
  model: { dir: string; id: string; precision: string; ready: boolean; problem: string | null } | null;
  provider: { chosen: ProviderName; reason: string };
  memoryProfile: MemoryProfile;
  running: string | null;
  waiting: number;
}

// ───────────────────────────── library (main/library) ─────────────────────────────
// @section library-types

/** The library's shapes (main/library/types.ts), with the API's string ids. */
export type LibraryMedia = MediaPaths;
export type LibraryGenerationSummary = GenerationSummary<string>;
export type LibraryGeneration = Generation<string>;
export type LibraryProject = Project<string>;

/** One page of results, newest first; pass nextCursor back for the next page. */
export interface LibraryPage {
  items: LibraryGenerationSummary[];
  nextCursor: string | null;
}

const libraryId = z.string().regex(/^[1-9]\d{0,14}$/, 'must be a library id');
const libraryIds = z.array(libraryId).min(1).max(10_000);
const libraryTag = z.string().min(1).max(64);
const libraryProjectName = z.string().min(1).max(200);

export const LibrarySearchRequest = z
  .object({
    /** Plain text: every word must occur in the prompt or tags (operators and quotes are just text). */
    text: z.string().max(1000).optional(),
    /** A project, or null for generations in no project. */
    projectId: libraryId.nullable().optional(),
    favourite: z.boolean().optional(),
    minRating: z.number().int().min(0).max(5).optional(),
    tag: libraryTag.optional(),
    mode: z.string().max(40).optional(),
    model: z.string().max(200).optional(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /** Image size in pixels. */
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    status: z.enum(['done', 'failed', 'cancelled']).optional(),
    /** created >= from (ms since the epoch) */
    from: z.number().int().optional(),
    /** created < to */
    to: z.number().int().optional(),
    limit: z.number().int().min(1).max(500).optional(),
    cursor: z.string().max(100).nullable().optional(),
  })
  .strict();

const libraryImportTarget = { projectId: libraryId.nullable().optional(), tags: z.array(libraryTag).max(100).optional() };
export const LibraryImportRequest = z.union([
  z.object({ dataBase64: z.string().min(1).max(LIMITS.maxRequestBytes), name: z.string().min(1).max(260), ...libraryImportTarget }).strict(),
  z.object({ path: z.string().min(1).max(4096), ...libraryImportTarget }).strict(),
]);
// @end library-types

// ───────────────────────────── models (main/models) ─────────────────────────────

/** A local folder (checkpoint to validate or import). */
const modelPath = z.string().min(1).max(4096);

export interface ModelProblem {
  kind: 'missing' | 'corrupt' | 'incomplete';
  /** Relative to the checkpoint folder. */
  path: string;
  message: string;
}

/** What validating a folder in the GLM-Image layout found. */
export interface CheckpointReport {
  ok: boolean;
  dir: string;
  problems: ModelProblem[];
  components: { name: string; role: string; ok: boolean; bytes: number; precision: string | null; files: string[] }[];
  totalBytes: number;
  precision: string | null;
  /** One paragraph a user can act on. */
  summary: string;
}

export interface ModelInfo {
  id: string;
  kind: 'checkpoint' | 'compiled';
  name: string;
  path: string;
  source: 'download' | 'import' | 'reference' | 'hf-cache' | 'compiled';
  sizeBytes: number;
  precision: string | null;
  /** partial: a download that has not finished (start it again to resume); stale: compiled from a checkpoint that changed since (compile again). */
  status: 'ready' | 'partial' | 'incomplete' | 'missing' | 'stale' | 'unknown';
  detail: string;
  repo: string | null;
  /** Downloads: the revision asked for (start a download with repo + revision to resume it); HF cache: the snapshot's commit. */
  revision: string | null;
  problems: ModelProblem[];
}

export interface CachedCheckpointInfo {
  dir: string;
  repo: string;
  /** Commit hash of the snapshot. */
  revision: string;
  /** Refs (e.g. 'main') pointing at it. */
  refs: string[];
  report: CheckpointReport;
}

/** Progress of a model download, as main/models reports it. */
export type ModelDownloadProgress = DownloadProgress;

export interface ModelDownload {
  /** Stable per repo + revision: starting it again after a pause resumes it. */
  id: string;
  repo: string;
  revision: string;
  dir: string;
  state: 'running' | 'paused' | 'done' | 'failed' | 'cancelled';
  progress: ModelDownloadProgress | null;
  error: ErrorShape | null;
  startedAt: number;
  updatedAt: number;
}

export interface ModelCompile {
  /** Stable per checkpoint + precision: starting it again after a cancel resumes it. */
  id: string;
  source: string;
  dir: string;
  precision: 'fp32' | 'fp16' | 'int8' | 'int4';
  precisionLabel: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** Per module: start, skipped (kept from an earlier run) or done. */
  progress: {
    module: string;
    index: number;
    total: number;
    state: 'start' | 'skipped' | 'done';
    bytes?: number;
    ms?: number;
    /** While a module builds: its checkpoint tensors read so far (native-models CompileProgress). */
    tensors?: { done: number; total: number; bytesDone: number; bytesTotal: number; last: string };
  } | null;
  error: ErrorShape | null;
  startedAt: number;
  updatedAt: number;
}

// ───────────────────────────── methods ─────────────────────────────

export const methods = {
  // system
  'system.ping': { request: empty },
  'system.info': { request: z.object({ refresh: z.boolean().optional() }).strict() },
  'system.capabilities': { request: empty },
  // @section library (main/api/handlers/library.ts)
  'library.search': { request: LibrarySearchRequest },
  'library.get': { request: z.object({ id: libraryId }).strict() },
  'library.update': {
    request: z
      .object({
        id: libraryId,
        favourite: z.boolean().optional(),
        rating: z.number().int().min(0).max(5).optional(),
        tags: z.array(libraryTag).max(100).optional(),
        projectId: libraryId.nullable().optional(),
      })
      .strict(),
  },
  'library.move': { request: z.object({ ids: libraryIds, projectId: libraryId.nullable() }).strict() },
  /** To the trash (recoverable until the trash is emptied). */
  'library.delete': { request: z.object({ ids: libraryIds }).strict() },
  'library.restore': { request: z.object({ ids: libraryIds }).strict() },
  'library.tags': { request: empty },
  'library.trash': { request: empty },
  'library.emptyTrash': { request: empty },
  'library.import': { request: LibraryImportRequest },
  /** A folder of PNGs (each with its recipe) + index.json, created inside `folder`. */
  'library.export': { request: z.object({ projectId: libraryId, folder: z.string().min(1).max(4096) }).strict() },
  'projects.list': { request: empty },
  'projects.create': { request: z.object({ name: libraryProjectName }).strict() },
  'projects.rename': { request: z.object({ id: libraryId, name: libraryProjectName }).strict() },
  /** To the trash with its generations. */
  'projects.delete': { request: z.object({ id: libraryId }).strict() },
  'projects.restore': { request: z.object({ id: libraryId }).strict() },
  // @end library
  // @section models (main/api/handlers/models.ts)
  'models.list': { request: empty },
  'models.find': { request: empty },
  'models.validate': { request: z.object({ path: modelPath }).strict() },
  'models.import': {
    request: z
      .object({
        path: modelPath,
        /** reference: use the folder where it is; copy: copy the files the app needs into the models folder. */
        mode: z.enum(['reference', 'copy']).default('reference'),
        name: z.string().min(1).max(100).optional(),
      })
      .strict(),
  },
  'models.download.start': {
    request: z
      .object({
        repo: z.string().max(200).regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, 'must be owner/name').optional(),
        revision: z.string().min(1).max(200).regex(/^[\w.\/-]+$/, 'must be a branch, tag or commit').optional(),
        /** Hub or mirror URL; default HF_ENDPOINT or https://huggingface.co. */
        endpoint: z.string().min(1).max(2000).optional(),
        token: z.string().min(1).max(1000).optional(),
      })
      .strict(),
  },
  'models.download.pause': { request: z.object({ id: z.string().min(1).max(300) }).strict() },
  'models.download.cancel': { request: z.object({ id: z.string().min(1).max(300) }).strict() },
  'models.download.list': { request: empty },
  'models.compile.start': {
    request: z.object({ path: modelPath, precision: z.enum(['fp32', 'fp16', 'int8', 'int4']).default('int4') }).strict(),
  },
  'models.compile.cancel': { request: z.object({ id: z.string().min(1).max(300) }).strict() },
  'models.compile.list': { request: empty },
  /** Forget a reference, or delete a checkpoint/compiled model from the models folder (never the HF cache). */
  'models.remove': { request: z.object({ id: z.string().min(1).max(300) }).strict() },
  // @end models
  // @section engine (main/api/handlers/engine.ts)
  'engine.status': { request: empty },
  'jobs.submit': { request: GenerateRequest },
  'jobs.list': { request: z.object({ includeFinished: z.boolean().optional() }).strict() },
  'jobs.cancel': { request: z.object({ id: z.string().min(1).max(100) }).strict() },
  'jobs.reorder': { request: z.object({ id: z.string().min(1).max(100), position: z.number().int().min(0) }).strict() },
  'jobs.retry': { request: z.object({ id: z.string().min(1).max(100) }).strict() },
  'settings.get': { request: empty },
  'settings.update': { request: Settings.partial().strict() },
  // @end engine
} as const;

/** Response types by method (the handler's return type must match). */
export interface Responses {
  'system.ping': { pong: true; time: number };
  'system.info': SystemInfo;
  /** Which methods this build serves, so screens whose feature has not landed say so. */
  'system.capabilities': { methods: string[] };
  // @section library-responses
  'library.search': LibraryPage;
  'library.get': { generation: LibraryGeneration };
  'library.update': { generation: LibraryGeneration };
  'library.move': { count: number };
  'library.delete': { count: number };
  'library.restore': { count: number };
  'library.tags': { tags: { name: string; count: number }[] };
  'library.trash': { projects: LibraryProject[]; generations: LibraryGenerationSummary[] };
  'library.emptyTrash': { generations: number; projects: number; filesRemoved: number };
  'library.import': { generation: LibraryGeneration };
  'library.export': { folder: string; files: number };
  'projects.list': { projects: LibraryProject[] };
  'projects.create': { project: LibraryProject };
  'projects.rename': { project: LibraryProject };
  'projects.delete': { project: LibraryProject };
  'projects.restore': { project: LibraryProject };
  // @end library-responses
  // @section models-responses
  'models.list': { models: ModelInfo[]; downloads: ModelDownload[]; modelsDir: string; hfCacheDir: string };
  'models.find': { hfCacheDir: string; checkpoints: CachedCheckpointInfo[] };
  'models.validate': { report: CheckpointReport };
  'models.import': { model: ModelInfo };
  'models.download.start': { download: ModelDownload };
  'models.download.pause': { download: ModelDownload };
  'models.download.cancel': { download: ModelDownload };
  'models.download.list': { downloads: ModelDownload[] };
  'models.compile.start': { compile: ModelCompile };
  'models.compile.cancel': { compile: ModelCompile };
  'models.compile.list': { compiles: ModelCompile[] };
  'models.remove': { removed: 'reference' | 'files'; path: string; freedBytes: number };
  // @end models-responses
  // @section engine-responses
  'engine.status': EngineStatus;
  'jobs.submit': { job: JobInfo };
  'jobs.list': { jobs: JobInfo[] };
  'jobs.cancel': { job: JobInfo };
  'jobs.reorder': { jobs: JobInfo[] };
  'jobs.retry': { job: JobInfo };
  'settings.get': Settings;
  'settings.update': Settings;
  // @end engine-responses
}

export type Method = keyof typeof methods & keyof Responses;
export type RequestOf<M extends Method> = z.input<(typeof methods)[M]['request']>;
export type ParsedRequestOf<M extends Method> = z.output<(typeof methods)[M]['request']>;
export type ResponseOf<M extends Method> = Responses[M];

export const methodNames = Object.keys(methods) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

// ───────────────────────────── events ─────────────────────────────

/** Events pushed from main to every connected renderer. */
export interface Events {
  'system.log': { level: 'info' | 'warn' | 'error'; message: string; time: number };
  // @section library-events
  /** Generations or projects changed through the API (galleries refresh; new images also come with job.updated). */
  'library.changed': { kind: 'generations' | 'projects' | 'trash'; ids: string[] };
  // @end library-events
  // @section models-events
  /** A download started, paused, finished, failed or was cancelled. */
  'models.download.updated': { download: ModelDownload };
  /** Bytes, speed and ETA of a running download (a few per second at most). */
  'models.download.progress': { download: ModelDownload };
  /** A compile started, finished, failed or was cancelled. */
  'models.compile.updated': { compile: ModelCompile };
  /** A module of a running compile started, was kept from an earlier run, or finished. */
  'models.compile.progress': { compile: ModelCompile };
  // @end models-events
  // @section engine-events
  'job.updated': { job: JobInfo };
  'job.progress': { jobId: string; progress: JobProgress };
  // @end engine-events
}
export type EventName = keyof Events;
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
}

// ───────────────────────────── envelope ─────────────────────────────

/** What every call resolves to on every transport: never a thrown error across the boundary. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };

/** The surface the renderer sees (window.glimmer in Electron; the HTTP client in `serve`). */
export interface GlimmerApi {
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<CallResult<ResponseOf<M>>>;
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** IPC channel names (Electron). */
export const IPC = { call: 'glimmer:call', event: 'glimmer:event' } as const;
