/**
 * `glimmer generate`: one request through the same Engine the app uses, without the queue or the
 * library; the PNG (recipe in its metadata) goes to --out.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../native-models/atomic-write';
import { formatBytes, rankByText, SIZE_RULE, StudioGenerateRequest, type GenerateRequest, type GenerateRequestInput, type MemoryProfile, Precision, type TextCheck, Tier, type ImageRef, GlimmerError } from '../contract';
import { resolvePaths } from '../studio/paths';
import type { EngineSettings } from '../engine/pipeline';
import { generatedPng } from '../library';
import { parseCommandArgs, parseIntArg } from './args';
import { formatCheck } from './check-text';
import { providerArg, withEngine } from './engine';
import { runRemoteGenerate } from './generate-remote';
import { t } from './i18n';
import { modelArg } from './model-arg';
import { outFile } from './out-file';
import { ProgressBar } from './progress-bar';

function parseSize(v: string | undefined): { width: number; height: number } {
  if (v === undefined) return { width: 1024, height: 1024 };
  const m = /^(\d+)x(\d+)$/i.exec(v.trim());
  if (!m) throw new GlimmerError('bad_request', t('generate.badSize', { value: v }));
  return { width: Number(m[1]), height: Number(m[2]) };
}

function imageArg(file: string, what: string): ImageRef {
  if (!existsSync(file)) throw new GlimmerError('bad_request', t('generate.imageMissing', { what, file }));
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new GlimmerError('bad_request', t('generate.imageUnreadable', { what, file, message: (err as Error).message }));
  }
  return { dataBase64: bytes.toString('base64'), name: path.basename(file) };
}

/** --out, checked: a .png in a folder that exists. */
function checkedOut(out: string | undefined): string {
  if (!out) throw new GlimmerError('bad_request', t('generate.needOut'));
  if (!out.toLowerCase().endsWith('.png')) throw new GlimmerError('bad_request', t('generate.outNotPng', { value: out }));
  const outDir = path.dirname(path.resolve(out));
  if (!existsSync(outDir)) throw new GlimmerError('bad_request', t('generate.outDirMissing', { dir: outDir }));
  return out;
}

/** Arguments → a validated GenerateRequest (messages name the option). */
export function buildRequest(v: {
  prompt?: string;
  size?: string;
  steps?: string;
  guidance?: string;
  seed?: string;
  count?: string;
  'best-of'?: string;
  image?: string[];
  mode?: string;
  mask?: string;
  temperature?: string;
  'top-p'?: string;
}): GenerateRequest {
  if (v.prompt === undefined || v.prompt.trim() === '') throw new GlimmerError('bad_request', t('generate.needPrompt'));
  const { width, height } = parseSize(v.size);
  const number = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new GlimmerError('bad_request', t('generate.badNumber', { name, value }));
    return n;
  };
  const guidance = number('guidance', v.guidance);
  const temperature = number('temperature', v.temperature);
  const topP = number('top-p', v['top-p']);
  const bestOf = parseIntArg('best-of', v['best-of'], 2, 16);
  if (bestOf !== undefined && v.count !== undefined) throw new GlimmerError('bad_request', t('generate.bestOfWithCount'));
  const common = {
    prompt: v.prompt,
    width,
    height,
    steps: parseIntArg('steps', v.steps, 1, 200),
    seed: parseIntArg('seed', v.seed, 0, Number.MAX_SAFE_INTEGER),
    count: bestOf ?? parseIntArg('count', v.count, 1, 16),
    ...(bestOf !== undefined ? { bestByText: true } : {}),
    ...(guidance !== undefined ? { guidance } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
  };
  const images = v.image ?? [];
  const mode = v.mode ?? (images.length > 0 ? 'edit' : 'text');
  if (v.mask && mode !== 'edit') throw new GlimmerError('bad_request', t('generate.maskNeedsEdit'));
  let input: GenerateRequestInput;
  switch (mode) {
    case 'text':
      if (images.length > 0) throw new GlimmerError('bad_request', t('generate.imageNeedsMode'));
      input = { mode: 'text', ...common };
      break;
    case 'edit':
      if (images.length < 1 || images.length > 4) throw new GlimmerError('bad_request', t('generate.editImages'));
      input = {
        mode: 'edit',
        ...common,
        images: images.map((f, i) => imageArg(f, t('generate.imageN', { n: i + 1 }))),
        ...(v.mask ? { mask: imageArg(v.mask, t('generate.maskWhat')) } : {}),
      };
      break;
    case 'style':
      if (images.length < 2 || images.length > 4) throw new GlimmerError('bad_request', t('generate.styleImages'));
      input = {
        mode: 'style',
        ...common,
        content: imageArg(images[0]!, t('generate.contentWhat')),
        style: imageArg(images[1]!, t('generate.styleWhat')),
        ...(images.length > 2 ? { moreStyles: images.slice(2).map((f, i) => imageArg(f, t('generate.styleN', { n: i + 2 }))) } : {}),
      };
      break;
    case 'identity':
      if (images.length !== 1) throw new GlimmerError('bad_request', t('generate.identityImages'));
      input = { mode: 'identity', ...common, subject: imageArg(images[0]!, t('generate.subjectWhat')) };
      break;
    default:
      throw new GlimmerError('bad_request', t('generate.badMode', { mode }));
  }
  const parsed = StudioGenerateRequest.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? 'request');
    const where = key === 'width' || key === 'height' ? '--size' : key === 'topP' ? '--top-p' : key === 'bestByText' ? '--best-of' : `--${key}`;
    throw new GlimmerError('bad_request', t('generate.invalid', { option: where, message: issue.message }));
  }
  return parsed.data;
}

/**
 * The pipeline's timings as a table: milliseconds per step, then bytes sent / read and runs per
 * module, then per step and module (keys of main/engine/transfers.ts transferTimings).
 */
export function formatStats(timings: Record<string, number>): string {
  const lines: string[] = ['step                 ms'];
  const transfer = /^(bytesSent|bytesRead|runs)\.(.+)$/;
  for (const [k, ms] of Object.entries(timings)) if (!transfer.test(k) && ms > 0) lines.push(`${k.padEnd(18)} ${String(ms).padStart(5)}`);
  const rows = new Map<string, { sent: number; read: number; runs?: number }>();
  for (const [k, n] of Object.entries(timings)) {
    const m = transfer.exec(k);
    if (!m) continue;
    const row = rows.get(m[2]!) ?? { sent: 0, read: 0 };
    if (m[1] === 'bytesSent') row.sent = n;
    else if (m[1] === 'bytesRead') row.read = n;
    else row.runs = n;
    rows.set(m[2]!, row);
  }
  if (rows.size > 0) {
    lines.push('', 'transfers (module, or step.module)      sent         read     runs');
    const ordered = [...rows].sort(([a], [b]) => Number(a.includes('.')) - Number(b.includes('.')));
    for (const [key, r] of ordered) {
      lines.push(`${key.padEnd(36)} ${formatBytes(r.sent).padStart(10)} ${formatBytes(r.read).padStart(12)} ${r.runs === undefined ? '' : String(r.runs).padStart(8)}`);
    }
  }
  return lines.join('\n');
}

export async function runGenerate(args: string[]): Promise<number> {
  const v = parseCommandArgs('generate', args, {
    model: { type: 'string' },
    prompt: { type: 'string' },
    size: { type: 'string' },
    steps: { type: 'string' },
    guidance: { type: 'string' },
    seed: { type: 'string' },
    count: { type: 'string' },
    'best-of': { type: 'string' },
    image: { type: 'string', multiple: true },
    mode: { type: 'string' },
    mask: { type: 'string' },
    temperature: { type: 'string' },
    'top-p': { type: 'string' },
    provider: { type: 'string' },
    profile: { type: 'string' },
    precision: { type: 'string' },
    tier: { type: 'string' },
    out: { type: 'string' },
    stats: { type: 'boolean' },
    engine: { type: 'string' },
    'engine-kind': { type: 'string' },
    'engine-ca': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(t('generate.help', { ...SIZE_RULE, precisions: Precision.options.join(' | '), tiers: Tier.options.join(' | ') }));
    return 0;
  }
  const out = checkedOut(v.out);
  if (v.engine !== undefined) {
    if (v.model !== undefined) throw new GlimmerError('bad_request', t('generate.modelWithEngine'));
    return runRemoteGenerate({ ...v, engine: v.engine, out }, buildRequest(v));
  }
  if (!v.model) throw new GlimmerError('bad_request', t('generate.needModel'));
  const provider = providerArg(v.provider);
  const profile = (v.profile ?? 'sequential') as MemoryProfile;
  if (profile !== 'resident' && profile !== 'sequential') throw new GlimmerError('bad_request', t('generate.badProfile', { value: v.profile }));
  const request = buildRequest(v);
  const model = await modelArg(v.model, resolvePaths().modelsDir);

  const precision = Precision.safeParse(v.precision ?? 'fp32');
  if (!precision.success) throw new GlimmerError('bad_request', t('generate.badPrecision', { list: Precision.options.join(', '), value: v.precision }));
  const tier = v.tier === undefined ? null : Tier.safeParse(v.tier);
  if (tier && !tier.success) throw new GlimmerError('bad_request', t('generate.badTier', { list: Tier.options.join(', '), value: v.tier }));
  const settings: EngineSettings = {
    modelDir: model.path,
    provider,
    providerSource: 'cli',
    memoryProfile: profile,
    precision: precision.data,
    tier: tier ? tier.data : null,
  };
  const t0 = Date.now();
  return withEngine(settings, async (engine, signal) => {
    const status = await engine.provider();
    console.error(t('generate.provider', { provider: status.chosen, reason: status.reason }));
    const candidates: Array<{ file: string; check: TextCheck | null }> = [];
    const images = await engine.generate(request, {
      signal,
      streamer: new ProgressBar(),
      onImage: async (img, i) => {
        const file = path.resolve(outFile(out, i, request.count));
        const png = await generatedPng({ raw: img.pixels.rgb, width: img.pixels.width, height: img.pixels.height, channels: 3 }, img.recipe);
        await writeFileAtomic(file, png.bytes);
        const r = img.recipe;
        if (request.bestByText) console.log(t('generate.wroteCandidate', { file, arSeed: r.seeds.ar, noiseSeed: r.seeds.noise, width: r.width, height: r.height, steps: r.steps, model: r.model }));
        else console.log(t('generate.wrote', { file, seed: r.seed, width: r.width, height: r.height, steps: r.steps, model: r.model }));
        if (img.textCheck) for (const line of formatCheck(img.textCheck)) console.log(`  ${line}`);
        if (v.stats) console.log(formatStats(img.timings));
        candidates.push({ file, check: img.textCheck ?? null });
      },
    });
    if (request.bestByText && candidates.length > 0) {
      const order = rankByText(candidates.map((c) => c.check));
      const best = candidates[order[0]!]!;
      console.log(
        t('generate.bestOf', { count: candidates.length, file: best.file, score: best.check?.score?.toFixed(2) ?? '—', found: best.check?.found ?? 0, total: best.check?.total ?? 0 }),
      );
      console.log(t('generate.ranking', { order: order.map((k) => path.basename(candidates[k]!.file)).join(' > ') }));
    }
    console.error(t('generate.done', { count: images, seconds: ((Date.now() - t0) / 1000).toFixed(1) }));
    return 0;
  });
}
