/**
 * Recipe metadata in PNG files: the recipe as JSON in an iTXt chunk (keyword 'glimmer-recipe') and
 * the A1111-style summary under 'parameters' (tEXt when it is Latin-1, else iTXt, as other tools
 * write it). Existing chunks with those keywords are replaced; every other chunk is kept as it was.
 *
 * Reading a file someone dropped is bounded: only the first chunk of each of those two keywords is
 * read (inflated with an output limit: MAX_RECIPE_BYTES, MAX_PARAMETERS_BYTES), other text chunks
 * are never inflated, and only the first MAX_TEXT_CHUNKS text chunks are looked at.
 */
import { PARAMETERS_KEYWORD, RECIPE_KEYWORD, parseRecipe, type StoredRecipe } from '../../contract';

/** The keywords are the contract's (the renderer reads them back on a drop: contract/png-recipe.ts). */
export { PARAMETERS_KEYWORD, RECIPE_KEYWORD };
import { type PngChunk, readChunks, writeChunks } from './chunks';
import { parametersSummary } from './summary';
import { chunkKeyword, isLatin1, isTextChunk, itxtChunk, readText, textChunk } from './text-chunks';

/** Recipes longer than this (AR tokens make them kilobytes) are deflated inside their iTXt chunk. */
export const COMPRESS_RECIPE_OVER = 2048;

/** Longest recipe text read (a recipe with its AR tokens is a few MB at most; the schema caps it). */
export const MAX_RECIPE_BYTES = 16 * 1024 * 1024;
/** Longest `parameters` text read (prompts are at most LIMITS.maxPromptChars; other tools write less). */
export const MAX_PARAMETERS_BYTES = 256 * 1024;
/** Text chunks looked at in one file (real files have a handful). */
export const MAX_TEXT_CHUNKS = 64;

export interface PngMetadata {
  /** The recipe, when the file has a well-formed one. */
  recipe?: StoredRecipe;
  /** The recipe text when present but not a recipe we accept (kept for diagnostics, at most 4 KB). */
  rawRecipe?: string;
  /** The A1111-style `parameters` text, when present and not over MAX_PARAMETERS_BYTES. */
  parameters?: string;
}

export function writePngMetadata(png: Uint8Array, recipe: StoredRecipe): Buffer {
  const chunks = readChunks(png).filter((c) => {
    const keyword = chunkKeyword(c);
    return !(keyword === RECIPE_KEYWORD || keyword === PARAMETERS_KEYWORD);
  });
  const summary = parametersSummary(recipe);
  const json = JSON.stringify(recipe);
  const added: PngChunk[] = [
    itxtChunk(RECIPE_KEYWORD, json, json.length > COMPRESS_RECIPE_OVER),
    isLatin1(summary) ? textChunk(PARAMETERS_KEYWORD, summary) : itxtChunk(PARAMETERS_KEYWORD, summary),
  ];
  // Text chunks go right after IHDR so readers that stop early still find them.
  return writeChunks([chunks[0], ...added, ...chunks.slice(1)]);
}

export function readPngMetadata(png: Uint8Array, name?: string): PngMetadata {
  const limits: Record<string, number> = { [RECIPE_KEYWORD]: MAX_RECIPE_BYTES, [PARAMETERS_KEYWORD]: MAX_PARAMETERS_BYTES };
  const seen = new Set<string>();
  const texts: Record<string, string> = {};
  let looked = 0;
  for (const chunk of readChunks(png, name)) {
    if (!isTextChunk(chunk)) continue;
    if (++looked > MAX_TEXT_CHUNKS || seen.size === 2) break;
    const keyword = chunkKeyword(chunk);
    if (keyword === undefined || !(keyword in limits) || seen.has(keyword)) continue;
    seen.add(keyword);
    const t = readText(chunk, limits[keyword]);
    if (t) texts[keyword] = t.text;
  }
  const meta: PngMetadata = {};
  const rawRecipe = texts[RECIPE_KEYWORD];
  if (rawRecipe !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(rawRecipe);
    } catch {
      value = undefined;
    }
    const recipe = parseRecipe(value);
    if (recipe) meta.recipe = recipe;
    else meta.rawRecipe = rawRecipe.slice(0, 4096);
  }
  if (texts[PARAMETERS_KEYWORD] !== undefined) meta.parameters = texts[PARAMETERS_KEYWORD];
  return meta;
}
