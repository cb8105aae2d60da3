/**
 * `glimmer check-text`: read the quoted text of a prompt back from an image (the studio's text check,
 * on the engine's thread and provider) and print each string with found / score, or the whole result
 * as JSON. The strings come from --text, else from --prompt by the quote rule, else from the prompt of
 * the recipe in the PNG.
 *
 * Exit status: 0 every string was read as written, 3 some were not, 2 bad arguments, 1 other errors.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { extractGlyphTexts, GlimmerError, hasCheckableText, type TextCheck } from '../contract';
import type { EngineSettings } from '../engine/pipeline';
import { png } from '../library';
import { parseCommandArgs } from './args';
import { providerArg, withEngine } from './engine';

export const CHECK_TEXT_ISSUES_EXIT = 3;

const HELP = `Usage: glimmer check-text --image FILE [--prompt TEXT | --text S ...] [--json] [--provider P]

  --image FILE     the image to read (PNG, JPEG or WebP)
  --prompt TEXT    the prompt: its quoted strings ("like this", 'this', “this”, 「this」) are looked for
  --text S         a string to look for (repeat for several); instead of --prompt
                   (neither: the prompt of the recipe in the PNG, when it has one)
  --json           print the whole result as JSON (per string: found, similarity, word accuracy, read, boxes)
  --provider P     auto (default) | cuda | dml | coreml | webgpu | cpu

Exit status: 0 when every string was read as written, ${CHECK_TEXT_ISSUES_EXIT} when some were not, 2 for bad arguments, 1 for other errors.`;

/** The strings to look for, and where they came from (for the messages). */
export function checkTargets(v: { prompt?: string; text?: string[] }, bytes: Uint8Array, file: string): { texts: string[]; from: string } {
  if (v.prompt !== undefined && v.text !== undefined) throw new GlimmerError('bad_request', 'Give --prompt or --text, not both.');
  let texts: string[];
  let from: string;
  if (v.text !== undefined) {
    texts = v.text;
    from = '--text';
  } else if (v.prompt !== undefined) {
    texts = extractGlyphTexts(v.prompt);
    from = '--prompt';
    if (texts.length === 0) throw new GlimmerError('bad_request', '--prompt quotes no text, so there is nothing to check. Put the words in quotes ("like this"), or pass them with --text.');
  } else {
    let prompt: string | undefined;
    try {
      prompt = png.isPng(bytes) ? png.readPngMetadata(bytes, path.basename(file)).recipe?.prompt : undefined;
    } catch {
      prompt = undefined;
    }
    if (prompt === undefined) throw new GlimmerError('bad_request', `${path.basename(file)} carries no recipe with a prompt: pass --prompt TEXT or --text S.`);
    texts = extractGlyphTexts(prompt);
    from = 'the recipe in the PNG';
    if (texts.length === 0) throw new GlimmerError('bad_request', `The prompt in ${path.basename(file)}'s recipe quotes no text, so there is nothing to check. Pass --text S to look for a string.`);
  }
  if (!texts.some(hasCheckableText)) throw new GlimmerError('bad_request', `The strings from ${from} have no letters or digits to check.`);
  return { texts, from };
}

/** One line per string, then the verdict. */
export function formatCheck(check: TextCheck): string[] {
  const lines = check.targets.map((t) => {
    const mark = t.found ? '✓' : '✗';
    const status = t.found ? 'found  ' : 'missing';
    const read = t.found ? '' : t.read === null ? '  (nothing read there)' : `  read ${JSON.stringify(t.read)}`;
    return `${mark} ${status} ${t.similarity.toFixed(2)}  ${JSON.stringify(t.target)}${read}`;
  });
  for (const s of check.skipped) lines.push(`- skipped        ${JSON.stringify(s)}  (no letters or digits)`);
  lines.push(`${check.found}/${check.total} found, score ${check.score === null ? '—' : check.score.toFixed(2)}. ${check.message}`);
  return lines;
}

export async function runCheckText(args: string[]): Promise<number> {
  const v = parseCommandArgs('check-text', args, {
    image: { type: 'string' },
    prompt: { type: 'string' },
    text: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    provider: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (!v.image) throw new GlimmerError('bad_request', '--image FILE is required.');
  const provider = providerArg(v.provider);
  let bytes: Buffer;
  try {
    if (!statSync(v.image).isFile()) throw new Error('not a file');
    bytes = readFileSync(v.image);
  } catch (err) {
    throw new GlimmerError('bad_request', `--image ${v.image} cannot be read (${(err as Error).message}).`);
  }
  const { texts } = checkTargets(v, bytes, v.image);
  const settings: EngineSettings = { modelDir: null, provider, memoryProfile: 'resident', precision: 'fp32' };
  const check = await withEngine(settings, (engine, signal) => engine.checkText({ bytes, name: path.basename(v.image!) }, texts, { signal }));
  if (v.json) console.log(JSON.stringify(check, null, 2));
  else for (const line of formatCheck(check)) console.log(line);
  return check.status === 'ok' ? 0 : CHECK_TEXT_ISSUES_EXIT;
}
