/**
 * engine.status, jobs.* and settings.*: requests for images (one shape per mode), the job queue that
 * runs them, the engine's settings.
 */
import { z } from 'zod';
import type { ErrorShape } from './errors';
import { Language } from './language';
import { EmptyRequest, LIMITS, SAMPLING_RANGE, sizeProblem } from './limits';
import { extractGlyphTexts } from './quotes';
import { JobTarget, type ServerKind, type TargetLimit } from './remote';
import { hasCheckableText } from './text-check';
import { localPath, plainText } from './text';
import { MemoryProfile, Phase, Precision, ProviderChoice, type ProviderName, Theme, Tier } from './vocabulary';

/** An image handed to the engine: a generation already in the library, or the bytes themselves. */
export const ImageRef = z.union([
  z.object({ generationId: z.string().min(1).max(100) }).strict(),
  z
    .object({
      /** base64 of a PNG, JPEG or WebP file (no data: prefix). */
      dataBase64: z.string().min(1).max(LIMITS.maxRequestBytes),
      name: plainText(0, 260).optional(),
    })
    .strict(),
]);
export type ImageRef = z.infer<typeof ImageRef>;

/**
 * Sizes as the engine takes them: multiples of 32 up to 2048 (the tiny test models run at 64x64).
 * What users may ask for through the API, the CLI and the studio is narrower: SIZE_RULE
 * (StudioGenerateRequest below).
 */
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
  /**
   * The AR tokens to reuse, given as they are (rows×cols, base64 of int32 LE, as in the recipe):
   * "vary details" of an image this server's library does not hold (a studio sending its job here).
   */
  priorTokens: z
    .object({ rows: z.number().int().min(1).max(1024), cols: z.number().int().min(1).max(1024), data: z.string().min(1).max(8_000_000) })
    .strict()
    .optional(),
  /** Where the job runs; absent: this computer. */
  target: JobTarget.optional(),
  /** AR sampling temperature; absent: the model's (GLM-Image: 0.9). */
  temperature: z.number().min(SAMPLING_RANGE.temperature.min).max(SAMPLING_RANGE.temperature.max).optional(),
  /** AR nucleus sampling threshold; absent: the model's (GLM-Image: 0.75). */
  topP: z.number().min(SAMPLING_RANGE.topP.min).max(SAMPLING_RANGE.topP.max).optional(),
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
  z
    .object({
      mode: z.literal('style'),
      ...generationCommon,
      content: ImageRef,
      style: ImageRef,
      /** Further style images, seen after `style` (GLM-Image takes several condition images: four in all, as an edit). */
      moreStyles: z.array(ImageRef).min(1).max(2).optional(),
    })
    .strict(),
  z.object({ mode: z.literal('identity'), ...generationCommon, subject: ImageRef }).strict(),
]).superRefine((req, ctx) => {
  const problem = bestByTextProblem(req);
  if (problem) ctx.addIssue({ code: 'custom', path: ['bestByText'], message: problem });
});
export type GenerateRequest = z.infer<typeof GenerateRequest>;
export type GenerateRequestInput = z.input<typeof GenerateRequest>;

/**
 * The images of a request, in the order the model sees them, with their roles (edit: the source
 * then references; style: content then its style images; identity: the subject). Every engine, local or remote,
 * sends them in this order.
 */
export function requestImages(req: GenerateRequest): Array<{ ref: ImageRef; role: string }> {
  switch (req.mode) {
    case 'text':
      return [];
    case 'edit':
      return req.images.map((ref, i) => ({ ref, role: i === 0 ? 'source' : 'reference' }));
    case 'style':
      return [
        { ref: req.content, role: 'content' },
        { ref: req.style, role: 'style' },
        ...(req.moreStyles ?? []).map((ref) => ({ ref, role: 'style' })),
      ];
    case 'identity':
      return [{ ref: req.subject, role: 'subject' }];
  }
}
/** A GenerateRequest within SIZE_RULE: what jobs.submit and the CLI accept. */
export const StudioGenerateRequest = GenerateRequest.superRefine((r, ctx) => {
  const problem = sizeProblem(r.width, r.height);
  if (problem) ctx.addIssue({ code: 'custom', path: ['width'], message: problem });
});

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
  /** Where it runs (the request's target; this computer when it names none). */
  target: JobTarget;
  /** The server running it, or that ran it (a pool names one of its servers), while known. */
  server: { id: string; name: string; kind: ServerKind } | null;
  /** What its target cannot take from the request (recorded in the recipe when it runs). */
  limits: TargetLimit[];
}

export interface JobProgress {
  phase: Phase;
  step: number;
  total: number;
  /** Which image of `count` (0-based). */
  image: number;
  etaMs: number | null;
  /**
   * step/total and etaMs are estimated from the server's past jobs, not measured (an OpenAI-style
   * server says nothing until the image is done).
   */
  estimated?: boolean;
  /** Small PNG preview (data: URL) of the AR grid or of the latents, when one is ready. */
  preview?: string;
}

export const Settings = z
  .object({
    /** Compiled model folder (or a checkpoint to compile); null: none chosen yet. */
    modelDir: localPath.nullable(),
    provider: ProviderChoice,
    memoryProfile: MemoryProfile,
    precision: Precision,
    /**
     * A memory tier (contract/tiers.ts): when set it decides the compile preset, the compute
     * precision, the memory profile and VAE tiling, and memoryProfile/precision are not used;
     * null: those two as set, fp32 compute.
     */
    tier: Tier.nullable(),
    theme: Theme,
    /** The studio's language: 'system' follows the OS / browser. */
    language: Language,
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export interface EngineStatus {
  /** The model in use: `name` is the one name the Models screen lists it under; `id` the compiled manifest's. */
  model: { dir: string; name: string; id: string; precision: string; ready: boolean; problem: string | null } | null;
  provider: { chosen: ProviderName; reason: string };
  memoryProfile: MemoryProfile;
  /** The memory tier in use (null: the memory profile and precision as set). */
  tier?: Tier | null;
  running: string | null;
  waiting: number;
}

const jobId = z.string().min(1).max(100);

export const jobsMethods = {
  'engine.status': { request: EmptyRequest },
  'jobs.submit': { request: StudioGenerateRequest },
  'jobs.list': { request: z.object({ includeFinished: z.boolean().optional() }).strict() },
  'jobs.get': { request: z.object({ id: jobId }).strict() },
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
  'jobs.get': { job: JobInfo };
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
