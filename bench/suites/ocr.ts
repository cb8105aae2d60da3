/**
 * The text check's reader (PP-OCRv4 detection + recognition, main/engine/ocr) on a 1024x1024 poster
 * with six lines of text (Latin in five fonts, one Chinese line; test/helpers/text-images samplePoster),
 * from decoded pixels as the engine has them after the VAE:
 *   - seconds per image, detection + recognition, and each part (detection: resize + normalise, graph,
 *     DB post-processing; recognition: crops, graph runs in batches of 6, CTC decoding);
 *   - session load time;
 *   - the memory it adds: resident set size after loading the two sessions, at its peak while
 *     reading, and held by the loaded reader between reads, over the process's RSS before loading
 *     (onnxruntime-node reports no session memory of its own, so RSS is the measure).
 * Twice: with onnxruntime's default memory arena, and with low-memory sessions (no arena, no memory
 * pattern: OcrReaderOptions.lowMemory, what the engine's "sequential" memory profile uses). Each
 * variant runs in a fresh Node process (bench/ocr-child.ts) so that neither reuses memory the other
 * freed; where no child can be started (the one-file GPU bundle) they run in this process, and say so.
 * The models are the same for every --config (they ship with the app), so the figures carry no config.
 * Then the check as the studio runs it after a generated image, and the cost of the AR prefill that
 * best of N shares (ocr-engine.ts; on the bench model of --config).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProviderName } from '../../main/contract';
import { OcrReader, checkPromptText, decodeForOcr, type OcrResult } from '../../main/engine/ocr';
import type { RgbImage } from '../../main/engine/image';
import { benchRepoRoot } from '../paths';
import { renderTextPng, samplePoster } from '../../test/helpers/text-images';
import { figure, peakRss, type Figure } from '../harness';
import type { SuiteContext } from './index';

async function measure(ctx: Pick<SuiteContext, 'provider' | 'repeats'>, image: RgbImage, strings: string[], lowMemory: boolean): Promise<Figure[]> {
  const size = image.width;
  const variant = lowMemory ? ', low-memory sessions' : '';
  const extra = { provider: ctx.provider, precision: 'fp32' };
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const reader = await OcrReader.load({ provider: ctx.provider, lowMemory });
  const loadS = (performance.now() - t0) / 1000;
  const rssLoaded = process.memoryUsage().rss;
  try {
    const samples: { total: number; result: OcrResult }[] = [];
    const { peakBytes } = await peakRss(async () => {
      await reader.read(image); // warm-up (first-run allocations and kernel choices)
      for (let i = 0; i < Math.max(1, ctx.repeats); i++) {
        const s = performance.now();
        const result = await reader.read(image);
        samples.push({ total: (performance.now() - s) / 1000, result });
      }
    });
    const rssIdle = process.memoryUsage().rss;
    const last = samples[samples.length - 1]!.result;
    const check = checkPromptText(strings.map((s) => `"${s}"`).join(' '), last.lines);
    const note = `${last.lines.length} lines read, ${check.found}/${check.total} quoted strings found; detector input ${Math.min(960, size)}² (max side 960)`;
    return [
      figure('ocr', `read ${size}x${size} (detect + recognize)${variant}`, 's', samples.map((s) => s.total), 'lower', { ...extra, note }),
      figure('ocr', `detect ${size}x${size}${variant}`, 's', samples.map((s) => s.result.timings.detectMs / 1000), 'lower', extra),
      figure('ocr', `recognize ${last.lines.length} lines${variant}`, 's', samples.map((s) => s.result.timings.recognizeMs / 1000), 'lower', extra),
      figure('ocr', `load detector + recognizer sessions${variant}`, 's', [loadS], 'lower', extra),
      figure('ocr', `memory added: RSS after load${variant}`, 'MB', [(rssLoaded - rssBefore) / 1e6], 'lower', extra),
      figure('ocr', `memory added: peak RSS while reading${variant}`, 'MB', [(peakBytes - rssBefore) / 1e6], 'lower', {
        ...extra,
        note: `process RSS before load ${(rssBefore / 1e6).toFixed(0)} MB`,
      }),
      figure('ocr', `memory added: RSS held between reads${variant}`, 'MB', [(rssIdle - rssBefore) / 1e6], 'lower', {
        ...extra,
        note: 'what a loaded reader keeps while idle (release() frees it)',
      }),
    ];
  } finally {
    await reader.release();
  }
}

/** One variant's figures, measured in this process. */
export async function measureOcrVariant(ctx: Pick<SuiteContext, 'provider' | 'repeats'>, lowMemory: boolean): Promise<Figure[]> {
  const { spec, strings } = samplePoster(1024);
  const image = await decodeForOcr(await renderTextPng(spec));
  return measure(ctx, image, strings, lowMemory);
}

/** The variant in a fresh `node --import tsx bench/ocr-child.ts` process; null where that cannot run. */
function inChild(provider: ProviderName, repeats: number, lowMemory: boolean): Promise<Figure[] | null> {
  const root = benchRepoRoot();
  const child = path.join(root, 'bench', 'ocr-child.ts');
  if (!existsSync(child) || !existsSync(path.join(root, 'node_modules', 'tsx'))) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', child, provider, String(repeats), lowMemory ? 'low-memory' : 'default'],
      { cwd: root, timeout: 600_000, maxBuffer: 16 * 2 ** 20 },
      (err, stdout, stderr) => {
        const last = String(stdout).trim().split('\n').pop() ?? '';
        try {
          if (err) throw err;
          resolve(JSON.parse(last) as Figure[]);
        } catch (e) {
          console.log(`ocr: the ${lowMemory ? 'low-memory' : 'default'} variant's child process failed (${(e as Error).message.split('\n')[0]}); measuring it in this process\n${String(stderr).slice(-500)}`);
          resolve(null);
        }
      },
    );
  });
}

export async function runOcrBench(ctx: SuiteContext): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const lowMemory of [false, true]) {
    const figures = (await inChild(ctx.provider, ctx.repeats, lowMemory)) ?? (await measureOcrVariant(ctx, lowMemory)).map((f) => ({
      ...f,
      note: `${f.note ? `${f.note}; ` : ''}measured in the benchmark's own process (memory figures may reuse what earlier work freed)`,
    }));
    out.push(...figures);
  }
  out.push(...(await (await import('./ocr-engine')).measureCheckAfterGeneration(ctx)));
  return out;
}
