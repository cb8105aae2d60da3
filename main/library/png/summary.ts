/**
 * The A1111-style `parameters` text other tools read (AUTOMATIC1111, Civitai, Stability Matrix,
 * image viewers): the prompt on one line, an optional "Negative prompt:" line, then one line of
 * "Key: value" pairs. Newlines inside the prompt are folded so each part stays on its line.
 */
import type { StoredRecipe } from '../../contract';

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function value(v: string | number): string {
  const s = String(v);
  return /[,:"\n]/.test(s) ? JSON.stringify(oneLine(s)) : s;
}

export function parametersSummary(recipe: StoredRecipe): string {
  const pairs: Array<[string, string | number]> = [
    ['Steps', recipe.steps],
    ['Sampler', 'Flow Euler'],
  ];
  if (recipe.guidance !== undefined) pairs.push(['CFG scale', recipe.guidance]);
  pairs.push(['Seed', recipe.seed], ['Size', `${recipe.width}x${recipe.height}`], ['Model', recipe.model], ['Mode', recipe.mode]);
  if (recipe.provider) pairs.push(['Provider', recipe.provider]);
  pairs.push(['Version', recipe.app ?? 'Glimmer Studio']);
  const lines = [oneLine(recipe.prompt)];
  if (recipe.negativePrompt && recipe.negativePrompt.trim().length > 0) lines.push(`Negative prompt: ${oneLine(recipe.negativePrompt)}`);
  lines.push(pairs.map(([k, v]) => `${k}: ${value(v)}`).join(', '));
  return lines.join('\n');
}

export interface ParsedParameters {
  prompt: string;
  negativePrompt?: string;
  params: Record<string, string>;
}

/** A `parameters` line of "Key: value" pairs longer than this is not parsed (real ones are < 2 KB). */
export const MAX_PARAMETERS_LINE = 16 * 1024;

const KEY_CHAR = /[\w ]/;

/**
 * The "Key: value, Key: "quoted, value", ..." pairs of a parameters line, in one pass (linear in
 * the line's length): a key is word characters and spaces up to ':'; a value is a JSON-style
 * quoted string or everything up to the next ','. A piece that is not a pair is skipped up to
 * its next ','.
 */
function parsePairs(line: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    const keyStart = i;
    while (i < n && KEY_CHAR.test(line[i]!)) i++;
    const key = line.slice(keyStart, i).trim();
    if (i >= n || line[i] !== ':' || key.length === 0) {
      // not a pair: skip to the next comma
      while (i < n && line[i] !== ',') i++;
      i++;
      continue;
    }
    i++; // ':'
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    let value: string;
    if (line[i] === '"') {
      const start = i;
      i++;
      while (i < n && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      const quoted = line.slice(start, Math.min(i + 1, n));
      i++;
      try {
        value = JSON.parse(quoted) as string;
      } catch {
        value = quoted; // keep it as written
      }
      while (i < n && line[i] !== ',') i++;
    } else {
      const start = i;
      while (i < n && line[i] !== ',') i++;
      value = line.slice(start, i).trim();
    }
    i++; // ','
    pairs.push([key, value]);
  }
  return pairs;
}

/**
 * Read an A1111 `parameters` text (ours or another tool's). Linear in the text's length; a last
 * line over MAX_PARAMETERS_LINE characters is not read as parameters.
 */
export function parseParametersSummary(text: string): ParsedParameters {
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  const params: Record<string, string> = {};
  const last = lines[lines.length - 1] ?? '';
  const found = lines.length > 1 && last.length <= MAX_PARAMETERS_LINE ? parsePairs(last) : [];
  if (found.length >= 3) {
    lines.pop();
    for (const [k, v] of found) params[k] = v;
  }
  const negIndex = lines.findIndex((l) => l.startsWith('Negative prompt:'));
  const promptLines = negIndex >= 0 ? lines.slice(0, negIndex) : lines;
  const negative = negIndex >= 0 ? lines.slice(negIndex).join('\n').slice('Negative prompt:'.length).trim() : undefined;
  return { prompt: promptLines.join('\n').trim(), negativePrompt: negative, params };
}
