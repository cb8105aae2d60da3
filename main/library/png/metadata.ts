/**
 * Recipe metadata in PNG files: the recipe as JSON in an iTXt chunk (keyword 'glimmer-recipe') and
 * the A1111-style summary under 'parameters' (tEXt when it is Latin-1, else iTXt, as other tools
 * write it). Existing chunks with those keywords are replaced; every other chunk is kept as it was.
 */
import { PARAMETERS_KEYWORD, RECIPE_KEYWORD, parseRecipe, type StoredRecipe } from '../../contract';

/** The keywords are the contract's (the renderer reads them back on a drop: contract/png-recipe.ts). */
export { PARAMETERS_KEYWORD, RECIPE_KEYWORD };
import { type PngChunk, readChunks, writeChunks } from './chunks';
import { parametersSummary } from './summary';
import { isLatin1, isTextChunk, itxtChunk, readText, textChunk } from './text-chunks';

/** Recipes longer than this (AR tokens make them kilobytes) are deflated inside their iTXt chunk. */
export const COMPRESS_RECIPE_OVER = 2048;

export interface PngMetadata {
  /** The recipe, when the file has a well-formed one. */
  recipe?: StoredRecipe;
  /** The recipe text when present but not a recipe we accept (kept for diagnostics). */
  rawRecipe?: string;
  /** The A1111-style `parameters` text, when present. */
  parameters?: string;
  /** Every text chunk, keyword → text (first one wins). */
  texts: Record<string, string>;
}

export function writePngMetadata(png: Uint8Array, recipe: StoredRecipe): Buffer {
  const chunks = readChunks(png).filter((c) => {
    if (!isTextChunk(c)) return true;
    const t = readText(c);
    return !(t && (t.keyword === RECIPE_KEYWORD || t.keyword === PARAMETERS_KEYWORD));
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
  const texts: Record<string, string> = {};
  for (const chunk of readChunks(png, name)) {
    if (!isTextChunk(chunk)) continue;
    const t = readText(chunk);
    if (t && !(t.keyword in texts)) texts[t.keyword] = t.text;
  }
  const meta: PngMetadata = { texts };
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
    else meta.rawRecipe = rawRecipe;
  }
  if (texts[PARAMETERS_KEYWORD] !== undefined) meta.parameters = texts[PARAMETERS_KEYWORD];
  return meta;
}
