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

/** Read an A1111 `parameters` text (ours or another tool's). */
export function parseParametersSummary(text: string): ParsedParameters {
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  const params: Record<string, string> = {};
  const last = lines[lines.length - 1] ?? '';
  const re = /\s*([\w ]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;
  const found = [...last.matchAll(re)];
  if (lines.length > 1 && found.length >= 3) {
    lines.pop();
    for (const m of found) {
      let v = m[2].trim();
      if (v.startsWith('"')) {
        try {
          v = JSON.parse(v) as string;
        } catch {
          // keep it as written
        }
      }
      params[m[1].trim()] = v;
    }
  }
  const negIndex = lines.findIndex((l) => l.startsWith('Negative prompt:'));
  const promptLines = negIndex >= 0 ? lines.slice(0, negIndex) : lines;
  const negative = negIndex >= 0 ? lines.slice(negIndex).join('\n').slice('Negative prompt:'.length).trim() : undefined;
  return { prompt: promptLines.join('\n').trim(), negativePrompt: negative, params };
}
