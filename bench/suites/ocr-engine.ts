/**
 * The text check as the studio runs it, after a generated image, through the Engine on the bench
 * model of --config (tiny: the fixture checkpoint) at 1024x1024:
 *   - the time the check adds per image: Engine.checkText on the decoded pixels (reader loaded on the
 *     engine's provider; read + score), per image, after one warm-up; the note says what was read
 *     (random weights draw no legible text, so detection finds little or nothing: this is the floor a
 *     check costs; the poster figures above are the cost with six lines of text);
 *   - best of N: what sharing the prompt costs: one prompt prefill of the AR (prefillPrompt) against
 *     one candidate's image tokens sampled from that prefill (preview grid + target grid), the same
 *     prompt and size. The prefill is run once for N candidates (its KV cache is kept: ArModel.snapshot),
 *     so N candidates cost one prefill + N samplings instead of N of both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractGlyphTexts } from '../../main/contract';
import { generateImageTokens, prefillPrompt } from '../../main/engine/ar';
import { Engine } from '../../main/engine/pipeline';
import { createRng } from '../../main/engine/random';
import { compileModel } from '../../native-models';
import { figure, type Figure } from '../harness';
import { benchCheckpoint } from '../models';
import type { SuiteContext } from './index';

const SIZE = 1024;
const PROMPT = 'A poster of a night market, the title "NIGHT MARKET" and the line \'OPEN LATE\'';

export async function measureCheckAfterGeneration(ctx: SuiteContext): Promise<Figure[]> {
  if (ctx.config !== 'tiny' && ctx.provider === 'cpu') {
    console.log(`ocr: the check after a generated ${ctx.config} image is measured on tiny or on a GPU provider (skipped)`);
    return [];
  }
  const extra = { provider: ctx.provider, precision: 'fp32', config: ctx.config };
  const work = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-ocr-engine-'));
  const modelDir = path.join(work, 'model');
  await compileModel(await benchCheckpoint(ctx.config), modelDir, { precision: 'fp32', app: 'glimmer bench' });
  const settings = { modelDir, provider: ctx.provider, memoryProfile: 'resident' as const, precision: 'fp32' as const };
  const engine = new Engine({ app: 'glimmer bench', settings: () => settings, compileCacheDir: path.join(work, 'cache') });
  try {
    const [image] = await engine.generate({ mode: 'text', prompt: PROMPT, width: SIZE, height: SIZE, steps: 2, guidance: 1.5, seed: 1, count: 1 });
    const texts = extractGlyphTexts(PROMPT);
    const first = await engine.checkText(image!.pixels, texts); // loads the reader (not timed: it stays loaded)
    const checks: number[] = [];
    for (let i = 0; i < Math.max(1, ctx.repeats); i++) {
      const t0 = performance.now();
      await engine.checkText(image!.pixels, texts);
      checks.push((performance.now() - t0) / 1000);
    }

    // best of N: the AR prefill against one candidate's sampling
    const loaded = await engine.load();
    const ar = await loaded.sessions.get('ar');
    const cfg = loaded.model.arConfig(ar);
    const prompt = loaded.model.processor.textToImage({ prompt: PROMPT, width: SIZE, height: SIZE });
    const sampling = loaded.model.sampling;
    const prefills: number[] = [];
    const samplings: number[] = [];
    for (let i = 0; i < Math.max(1, ctx.repeats); i++) {
      const t0 = performance.now();
      const prefill = await prefillPrompt(ar, prompt);
      prefills.push((performance.now() - t0) / 1000);
      const t1 = performance.now();
      await generateImageTokens(ar, prompt, { rng: createRng(i, 'ar'), codebookSize: cfg.codebookSize, endTokenId: cfg.eosTokenId, temperature: sampling.temperature, topP: sampling.topP, prefill });
      samplings.push((performance.now() - t1) / 1000);
    }
    const cells = prompt.rope.generationGrids.reduce((s, g) => s + g.h * g.w, 0);
    return [
      figure('ocr', `text check after a generated ${SIZE}x${SIZE} image (Engine.checkText: read + score)`, 's', checks, 'lower', {
        ...extra,
        note: `${first.lines.length} lines read, ${first.found}/${first.total} quoted strings found (random weights draw no legible text)`,
      }),
      figure('ocr', `best of N: AR prompt prefill, once per request (${prompt.inputIds.length} tokens)`, 's', prefills, 'lower', extra),
      figure('ocr', `best of N: one candidate's AR sampling from the prefill (${cells} tokens, ${SIZE}x${SIZE})`, 's', samplings, 'lower', extra),
    ];
  } finally {
    await engine.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
