/**
 * The recipe of one image: everything needed to make it again (model id and hashes, precision,
 * provider, every parameter, the seed of each random stream, the AR tokens and their hash). The
 * engine writes it (type Recipe), the library stores it verbatim and files it by the fields it
 * filters on, every PNG carries it. One schema, two readings:
 *   Recipe        what this version's engine writes: every field present.
 *   StoredRecipe  a recipe read back from a file or the library, made by any version: only what the
 *                 library files it by is required; untrusted input, so bounded everywhere.
 */
import { z } from 'zod';
import { ServerKind, TargetLimit } from './remote';
import { GenerationMode } from './vocabulary';

export const RECIPE_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const shortText = z.string().max(200);

export const Recipe = z.looseObject({
  version: z.number().int().positive(),
  /** App and version that made it, e.g. "Glimmer Studio 0.1.0". */
  app: shortText,
  mode: GenerationMode,
  prompt: z.string().max(100_000),
  /** Model id (manifest hash) and the name it was compiled under. */
  model: z.string().min(1).max(200),
  modelName: shortText,
  /** Short hashes of each module's files. */
  modelHashes: z.record(z.string().max(64), z.string().max(64)),
  precision: z.string().max(40),
  /** Execution provider (cuda, dml, coreml, webgpu, cpu). */
  provider: z.string().max(40),
  /** Modules that ran on the CPU because the provider could not start them, with why. */
  providerFallbacks: z.record(z.string().max(64), z.string().max(1000)).optional(),
  memoryProfile: z.string().max(40),
  width: z.number().int().positive().max(65_535),
  height: z.number().int().positive().max(65_535),
  steps: z.number().int().min(0).max(10_000),
  guidance: z.number().finite(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Named PRNG streams of main/engine/random, all from `seed`. */
  seeds: z.object({ ar: z.number().int().min(0), noise: z.number().int().min(0) }),
  rng: z.string().max(500),
  sampling: z.object({ temperature: z.number().finite(), topP: z.number().finite() }),
  /** Where the AR tokens came from: sampled now, reused from another generation, or given. */
  tokensFrom: z.enum(['sampled', 'reused', 'injected']),
  noiseFrom: z.enum(['seeded', 'injected']),
  /** sha256 of the target-grid ids (int32 little-endian). */
  arTokensHash: sha256Hex,
  /** The target-grid ids: rows×cols and base64 of int32 LE (for "vary details"). */
  arTokens: z.object({ rows: z.number().int().min(1).max(1024), cols: z.number().int().min(1).max(1024), data: z.string().max(8_000_000) }),
  /** sha256 of the reference images (as given), in order. */
  references: z.array(sha256Hex).max(64).optional(),
  mask: sha256Hex.optional(),
  reuseTokensOf: z.string().max(100).optional(),
  parentId: z.string().max(100).optional(),
  /** Generation time per phase (ms). */
  timings: z.record(z.string().max(64), z.number().finite()).optional(),
  /** Recipes of other tools or earlier versions may carry one; GLM-Image's unconditional pass does not use it. */
  negativePrompt: z.string().max(100_000).optional(),
  /**
   * Made on another server: which (name, URL, kind, what it is, its model) and what of the request
   * it could not take (an OpenAI-style server: no AR seed, so the image cannot be made again exactly).
   */
  remote: z
    .object({
      server: shortText,
      url: z.string().max(2000),
      kind: ServerKind,
      product: shortText.nullable(),
      model: shortText.nullable(),
      notTaken: z.array(TargetLimit).max(16),
    })
    .optional(),
});
export type Recipe = z.infer<typeof Recipe>;

export const StoredRecipe = Recipe.partial().required({ mode: true, prompt: true, model: true, seed: true, width: true, height: true, steps: true });
export type StoredRecipe = z.infer<typeof StoredRecipe>;

/** A recipe when `value` is one; undefined otherwise (never throws). */
export function parseRecipe(value: unknown): StoredRecipe | undefined {
  const parsed = StoredRecipe.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
