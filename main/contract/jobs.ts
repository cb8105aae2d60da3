/**
 * engine.status, jobs.* and settings.*: requests for images (one shape per mode), the job queue that
 * runs them, the engine's settings.
 */
import { z } from 'zod';
import type { ErrorShape } from './errors';
import { EmptyRequest, LIMITS } from './limits';
import { extractGlyphTexts } from './quotes';
import { hasCheckableText } from './text-check';
import { MemoryProfile, Phase, Precision, ProviderChoice, type ProviderName, Theme } from './vocabulary';

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
  /**
   * Best of N by text: make `count` candidates (AR seeds seed, seed+1, …; the same noise from `seed`),
   * read the quoted text back from each, keep all of them in the library as one group with the best
   * marked (see rankByText). Needs count >= 2 and quoted text in the prompt.
   */
  bestByText: z.boolean().optional(),
  projectId: z.string().max(100).optional(),
  /** "Vary details": reuse this generation's AR tokens with new noise. */
  reuseTokensOf: z.string().max(100).optional(),
  /** Parent generation (edits, variations). */
  parentId: z.string().max(100).optional(),
};

/** Why a request cannot keep the best by text (null when it can, or does not ask). */
export function bestByTextProblem(req: { bestByText?: boolean; count?: number; prompt: string; reuseTokensOf?: string }): string | null {
  if (!req.bestByText) return null;
  if ((req.count ?? 1) < 2) return 'Keep the best by text needs a count of 2 or more: it makes that many candidates and keeps the best.';
  if (req.reuseTokensOf) return 'Keep the best by text draws new visual tokens for each candidate, so it cannot reuse the tokens of another generation.';
  if (!extractGlyphTexts(req.prompt).some(hasCheckableText)) {
    return 'Keep the best by text needs text in quotes in the prompt (for example "GRAND OPENING"): that is what it reads back to choose.';
  }
  return null;
}

/** One request shape per GenerationMode. */
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
]).superRefine((req, ctx) => {
  const problem = bestByTextProblem(req);
  if (problem) ctx.addIssue({ code: 'custom', path: ['bestByText'], message: problem });
});
export type GenerateRequest = z.infer<typeof GenerateRequest>;
export type GenerateRequestInput = z.input<typeof GenerateRequest>;

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

export const Settings = z
  .object({
    /** Compiled model folder (or a checkpoint to compile); null: none chosen yet. */
    modelDir: z.string().max(4096).nullable(),
    provider: ProviderChoice,
    memoryProfile: MemoryProfile,
    precision: Precision,
    theme: Theme,
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

const jobId = z.string().min(1).max(100);

export const jobsMethods = {
  'engine.status': { request: EmptyRequest },
  'jobs.submit': { request: GenerateRequest },
  'jobs.list': { request: z.object({ includeFinished: z.boolean().optional() }).strict() },
  'jobs.cancel': { request: z.object({ id: jobId }).strict() },
  'jobs.reorder': { request: z.object({ id: jobId, position: z.number().int().min(0) }).strict() },
  'jobs.retry': { request: z.object({ id: jobId }).strict() },
  'settings.get': { request: EmptyRequest },
  'settings.update': { request: Settings.partial().strict() },
} as const;

export interface JobsResponses {
  'engine.status': EngineStatus;
  'jobs.submit': { job: JobInfo };
  'jobs.list': { jobs: JobInfo[] };
  'jobs.cancel': { job: JobInfo };
  'jobs.reorder': { jobs: JobInfo[] };
  'jobs.retry': { job: JobInfo };
  'settings.get': Settings;
  'settings.update': Settings;
}

export interface JobsEvents {
  'job.updated': { job: JobInfo };
  'job.progress': { jobId: string; progress: JobProgress };
}
