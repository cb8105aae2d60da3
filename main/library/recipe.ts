/**
 * A recipe: everything needed to re-run a generation exactly. The engine writes it; the library
 * stores it verbatim (JSON) and copies the fields it filters on into indexed columns. Recipes read
 * from files made elsewhere are untrusted: parseRecipe() accepts only a well-formed one.
 */
import { z } from 'zod';

export const RECIPE_KEYWORD = 'glimmer-recipe';

export const RecipeSchema = z.looseObject({
  /** Recipe format version. */
  version: z.number().int().positive().optional(),
  /** App and version that made it, e.g. "Glimmer Studio 0.1.0". */
  app: z.string().max(200).optional(),
  /** 't2i' text-to-image, 'i2i' image-to-image / edit, ... (the engine's mode names). */
  mode: z.string().min(1).max(40),
  prompt: z.string().max(100_000),
  negativePrompt: z.string().max(100_000).optional(),
  /** Model id (name or manifest hash) the image was made with. */
  model: z.string().min(1).max(200),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  width: z.number().int().positive().max(65_535),
  height: z.number().int().positive().max(65_535),
  steps: z.number().int().min(0).max(10_000),
  guidance: z.number().finite().optional(),
  /** Execution provider (cuda, dml, coreml, webgpu, cpu). */
  provider: z.string().max(40).optional(),
  /** sha256 of the reference images, in order. */
  references: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(64).optional(),
});

export type Recipe = z.infer<typeof RecipeSchema>;

/** A recipe when `value` is one; undefined otherwise (never throws). */
export function parseRecipe(value: unknown): Recipe | undefined {
  const parsed = RecipeSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
