/**
 * The recipe of an image file, read where the file is (the renderer on a drop or a paste, without a
 * round trip): our recipe (iTXt 'glimmer-recipe', JSON, usually deflated), or the A1111-style
 * 'parameters' text other tools write (AUTOMATIC1111, Forge, Fooocus in A1111 mode, ...), or nothing.
 * Browser-safe (DecompressionStream, no Node built-ins) and bounded: the chunk walk reads lengths and
 * skips pixel data, only the two keywords are decoded, text and inflated sizes are capped, and the
 * parameters parser is one linear pass. A damaged or hostile file gives 'none' with a reason, never
 * an exception and never unbounded work.
 */
import { parseRecipe, type StoredRecipe } from './recipe';

export const RECIPE_KEYWORD = 'glimmer-recipe';
export const PARAMETERS_KEYWORD = 'parameters';

/** Bounds of one read (defaults suit any real file: recipes with AR tokens are a few hundred kB). */
export interface RecipeReadLimits {
  /** Chunks walked before giving up. */
  maxChunks: number;
  /** Largest text chunk decoded (compressed size). */
  maxChunkBytes: number;
  /** Largest text after inflating. */
  maxTextBytes: number;
  /** Longest parameters text parsed (characters). */
  maxParametersChars: number;
}

export const RECIPE_READ_LIMITS: RecipeReadLimits = {
  maxChunks: 10_000,
  maxChunkBytes: 16 * 1024 * 1024,
  maxTextBytes: 16 * 1024 * 1024,
  maxParametersChars: 64 * 1024,
};

/** An A1111-style parameters text: the prompt, the negative prompt, and the "Key: value" settings. */
export interface ParsedParameters {
  prompt: string;
  negativePrompt?: string;
  params: Record<string, string>;
}

export type ImageRecipe =
  | { kind: 'glimmer'; recipe: StoredRecipe }
  | { kind: 'a1111'; parameters: ParsedParameters }
  | { kind: 'none'; reason: 'not-png' | 'no-recipe' | 'damaged' | 'too-large' | 'unreadable-recipe' };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPngBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

class TooLarge extends Error {}

/** Inflates zlib data (PNG's compression), giving up past `max` bytes of output. */
async function inflateBounded(data: Uint8Array, max: number): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
};
const utf8 = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: false }).decode(b);

/** The text of a tEXt, zTXt or iTXt chunk if its keyword is one of `wanted`. */
async function chunkText(type: string, data: Uint8Array, wanted: ReadonlySet<string>, limits: RecipeReadLimits): Promise<{ keyword: string; text: string } | null> {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) return null;
  const keyword = latin1(data.subarray(0, nul));
  if (!wanted.has(keyword)) return null;
  if (type === 'tEXt') return { keyword, text: latin1(data.subarray(nul + 1)) };
  if (type === 'zTXt') {
    if (data[nul + 1] !== 0) return null;
    return { keyword, text: latin1(await inflateBounded(data.subarray(nul + 2), limits.maxTextBytes)) };
  }
  // iTXt: keyword NUL, flag, method, language NUL, translated keyword NUL, text
  const compressed = data[nul + 1] === 1;
  if (compressed && data[nul + 2] !== 0) return null;
  const langEnd = data.indexOf(0, nul + 3);
  if (langEnd < 0) return null;
  const transEnd = data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return null;
  const body = data.subarray(transEnd + 1);
  return { keyword, text: utf8(compressed ? await inflateBounded(body, limits.maxTextBytes) : body) };
}

/** The wanted text chunks of a PNG, keyword → text (first of each wins). Throws TooLarge; stops at damage. */
async function readTexts(bytes: Uint8Array, wanted: ReadonlySet<string>, limits: RecipeReadLimits): Promise<{ texts: Map<string, string>; damaged: boolean }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const texts = new Map<string, string>();
  let offset = 8;
  for (let n = 0; n < limits.maxChunks; n++) {
    if (offset + 8 > bytes.length) return { texts, damaged: true };
    const length = view.getUint32(offset);
    const type = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!);
    if (!/^[A-Za-z]{4}$/.test(type)) return { texts, damaged: true };
    const end = offset + 12 + length;
    if (end > bytes.length) return { texts, damaged: true };
    if (type === 'IEND') return { texts, damaged: false };
    if ((type === 'tEXt' || type === 'zTXt' || type === 'iTXt') && texts.size < wanted.size) {
      if (length > limits.maxChunkBytes) throw new TooLarge();
      const found = await chunkText(type, bytes.subarray(offset + 8, offset + 8 + length), wanted, limits).catch((err: unknown) => {
        if (err instanceof TooLarge) throw err;
        return null; // a damaged deflate stream: this chunk says nothing
      });
      if (found && !texts.has(found.keyword)) texts.set(found.keyword, found.text);
    }
    offset = end;
  }
  return { texts, damaged: false };
}

/**
 * An A1111 `parameters` text: the prompt (lines up to "Negative prompt:" or the settings line), the
 * negative prompt, and the last line's "Key: value, Key: "quoted, value", ..." pairs. One pass over
 * the characters; keys and values capped; anything it cannot read stays in the prompt.
 */
export function parseParameters(text: string, maxChars = RECIPE_READ_LIMITS.maxParametersChars): ParsedParameters {
  const clipped = text.length > maxChars ? text.slice(0, maxChars) : text;
  const lines = clipped.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const params: Record<string, string> = {};
  if (lines.length > 1) {
    const pairs = settingsLine(lines[lines.length - 1]!);
    if (pairs && Object.keys(pairs).length >= 2) {
      lines.pop();
      Object.assign(params, pairs);
    }
  }
  const neg = lines.findIndex((l) => l.startsWith('Negative prompt:'));
  const prompt = (neg >= 0 ? lines.slice(0, neg) : lines).join('\n').trim();
  if (neg < 0) return { prompt, params };
  const negativePrompt = lines.slice(neg).join('\n').slice('Negative prompt:'.length).trim();
  return { prompt, negativePrompt, params };
}

/** "Steps: 20, Sampler: Euler a, Lora hashes: "a: 1, b: 2"" → pairs; null when the line is not of that shape. */
function settingsLine(line: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line[i] === ' ') i++;
    const keyStart = i;
    while (i < n && line[i] !== ':' && line[i] !== ',') i++;
    if (i >= n || line[i] !== ':') return null;
    const key = line.slice(keyStart, i).trim();
    if (key.length === 0 || key.length > 64 || !/^[\w ()./+-]+$/.test(key)) return null;
    i++; // ':'
    while (i < n && line[i] === ' ') i++;
    let value: string;
    if (line[i] === '"') {
      // a quoted value: up to the next unescaped quote
      let j = i + 1;
      let v = '';
      while (j < n && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < n) j++;
        v += line[j];
        j++;
      }
      if (j >= n) return null;
      value = v;
      i = j + 1;
      while (i < n && line[i] !== ',') i++;
    } else {
      const start = i;
      while (i < n && line[i] !== ',') i++;
      value = line.slice(start, i).trim();
    }
    if (Object.keys(out).length < 200) out[key] = value.slice(0, 10_000);
    if (i < n) i++; // ','
  }
  return out;
}

/** What recipe a file carries: ours, an A1111 parameters text, or none (with why). Never throws. */
export async function readImageRecipe(bytes: Uint8Array, limits: RecipeReadLimits = RECIPE_READ_LIMITS): Promise<ImageRecipe> {
  if (!isPngBytes(bytes)) return { kind: 'none', reason: 'not-png' };
  let texts: Map<string, string>;
  let damaged: boolean;
  try {
    ({ texts, damaged } = await readTexts(bytes, new Set([RECIPE_KEYWORD, PARAMETERS_KEYWORD]), limits));
  } catch (err) {
    if (err instanceof TooLarge) return { kind: 'none', reason: 'too-large' };
    return { kind: 'none', reason: 'damaged' };
  }
  const raw = texts.get(RECIPE_KEYWORD);
  if (raw !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    const recipe = parseRecipe(value);
    if (recipe) return { kind: 'glimmer', recipe };
  }
  const parameters = texts.get(PARAMETERS_KEYWORD);
  if (parameters !== undefined && parameters.trim() !== '') return { kind: 'a1111', parameters: parseParameters(parameters, limits.maxParametersChars) };
  if (raw !== undefined) return { kind: 'none', reason: 'unreadable-recipe' };
  return { kind: 'none', reason: damaged && texts.size === 0 ? 'damaged' : 'no-recipe' };
}
