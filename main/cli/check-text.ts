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
import { t } from './i18n';

export const CHECK_TEXT_ISSUES_EXIT = 3;

/** The strings to look for, and where they came from (for the messages). */
export function checkTargets(v: { prompt?: string; text?: string[] }, bytes: Uint8Array, file: string): { texts: string[]; from: string } {
  if (v.prompt !== undefined && v.text !== undefined) throw new GlimmerError('bad_request', t('checkText.notBoth'));
  let texts: string[];
  let from: string;
  if (v.text !== undefined) {
    texts = v.text;
    from = '--text';
  } else if (v.prompt !== undefined) {
    texts = extractGlyphTexts(v.prompt);
    from = '--prompt';
    if (texts.length === 0) throw new GlimmerError('bad_request', t('checkText.promptNoQuotes'));
  } else {
    let prompt: string | undefined;
    try {
      prompt = png.isPng(bytes) ? png.readPngMetadata(bytes, path.basename(file)).recipe?.prompt : undefined;
    } catch {
      prompt = undefined;
    }
    if (prompt === undefined) throw new GlimmerError('bad_request', t('checkText.noRecipe', { file: path.basename(file) }));
    texts = extractGlyphTexts(prompt);
    from = t('checkText.fromRecipe');
    if (texts.length === 0) throw new GlimmerError('bad_request', t('checkText.recipeNoQuotes', { file: path.basename(file) }));
  }
  if (!texts.some(hasCheckableText)) throw new GlimmerError('bad_request', t('checkText.noLetters', { from }));
  return { texts, from };
}

/** One line per string, then the verdict. */
export function formatCheck(check: TextCheck): string[] {
  const lines = check.targets.map((target) => {
    const similarity = target.similarity.toFixed(2);
    const text = JSON.stringify(target.target);
    if (target.found) return t('checkText.found', { similarity, target: text });
    const read = target.read === null ? t('checkText.readNothing') : t('checkText.readAs', { read: JSON.stringify(target.read) });
    return t('checkText.missing', { similarity, target: text, read });
  });
  for (const s of check.skipped) lines.push(t('checkText.skipped', { text: JSON.stringify(s) }));
  lines.push(t('checkText.summary', { found: check.found, total: check.total, score: check.score === null ? '—' : check.score.toFixed(2), message: check.message }));
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
    console.log(t('checkText.help', { issues: CHECK_TEXT_ISSUES_EXIT }));
    return 0;
  }
  if (!v.image) throw new GlimmerError('bad_request', t('checkText.needImage'));
  const provider = providerArg(v.provider);
  let bytes: Buffer;
  try {
    if (!statSync(v.image).isFile()) throw new Error(t('checkText.notAFile'));
    bytes = readFileSync(v.image);
  } catch (err) {
    throw new GlimmerError('bad_request', t('checkText.imageUnreadable', { file: v.image, message: (err as Error).message }));
  }
  const { texts } = checkTargets(v, bytes, v.image);
  const settings: EngineSettings = { modelDir: null, provider, memoryProfile: 'resident', precision: 'fp32' };
  const check = await withEngine(settings, (engine, signal) => engine.checkText({ bytes, name: path.basename(v.image!) }, texts, { signal }));
  if (v.json) console.log(JSON.stringify(check, null, 2));
  else for (const line of formatCheck(check)) console.log(line);
  return check.status === 'ok' ? 0 : CHECK_TEXT_ISSUES_EXIT;
}
