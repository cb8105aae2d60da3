/**
 * models.*: find GLM-Image (HF cache, any folder), validate, import, download with resume and
 * verification, compile per precision, remove; with progress events.
 */
import { z } from 'zod';
import { EmptyRequest } from './limits';
import type { ErrorShape } from './errors';
import { Precision } from './vocabulary';

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

/** Progress of a model download. */
export type DownloadPhase = 'resolving' | 'checking' | 'downloading' | 'verifying' | 'done';

export interface DownloadProgress {
  phase: DownloadPhase;
  repo: string;
  commit: string | null;
  /** The file this event is about (repo path), when there is one; with parallel transfers, events interleave. */
  file: string | null;
  /** That file's position in the download order (0-based); fileCount for 'done'. */
  fileIndex: number;
  fileCount: number;
  fileBytes: number;
  fileTotal: number;
  /** Bytes in place for the whole download, including those kept from earlier runs. */
  bytes: number;
  total: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

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
  precision: Precision;
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

export const modelsMethods = {
  'models.list': { request: EmptyRequest },
  'models.find': { request: EmptyRequest },
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
  'models.download.list': { request: EmptyRequest },
  'models.compile.start': {
    request: z.object({ path: modelPath, precision: Precision.default('int4') }).strict(),
  },
  'models.compile.cancel': { request: z.object({ id: z.string().min(1).max(300) }).strict() },
  'models.compile.list': { request: EmptyRequest },
  /** Forget a reference, or delete a checkpoint/compiled model from the models folder (never the HF cache). */
  'models.remove': { request: z.object({ id: z.string().min(1).max(300) }).strict() },
} as const;

export interface ModelsResponses {
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
}

export interface ModelsEvents {
  /** A download started, paused, finished, failed or was cancelled. */
  'models.download.updated': { download: ModelDownload };
  /** Bytes, speed and ETA of a running download (a few per second at most). */
  'models.download.progress': { download: ModelDownload };
  /** A compile started, finished, failed or was cancelled. */
  'models.compile.updated': { compile: ModelCompile };
  /** A module of a running compile started, was kept from an earlier run, or finished. */
  'models.compile.progress': { compile: ModelCompile };
}
