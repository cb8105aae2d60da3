/**
 * `glimmer generate`: one request through the same Engine the app uses, without the queue or the
 * library; the PNG (recipe in its metadata) goes to --out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../native-models/atomic-write';
import path from 'node:path';
import { GenerateRequest, type GenerateRequestInput, type MemoryProfile, Precision, type ImageRef, GlimmerError, rankByText, type TextCheck } from '../contract';
import type { EngineSettings } from '../engine/pipeline';
import { generatedPng } from '../library';
import { parseCommandArgs, parseIntArg } from './args';
import { formatCheck } from './check-text';
import { providerArg, withEngine } from './engine';
import { ProgressBar } from './progress-bar';

const HELP = `Usage: glimmer generate --model DIR --prompt TEXT --out FILE.png [options]

  --model DIR          a compiled model folder, or a GLM-Image checkpoint (compiled on the fly into a cache)
  --prompt TEXT        what to make ('quoted text' is drawn as glyphs)
  --size WxH           output size, multiples of 32 (default 1024x1024)
  --steps N            denoising steps (default 50)
  --guidance G         classifier-free guidance (default 1.5)
  --seed N             seed of the AR sampling and the initial noise (default: random, printed)
  --count N            images to make (seed, seed+1, ...; files FILE-1.png, FILE-2.png, ...)
  --best-of N          best of N by text: N candidates (AR seeds seed, seed+1, ...; the noise of seed), the
                       quoted text read back from each (printed), files FILE-1.png ... and the best named
  --image FILE         reference image (repeat for several); makes it image-to-image
  --mode M             edit (default with --image) | style (--image CONTENT --image STYLE) | identity
  --mask FILE          edit only: white = change, black = keep
  --provider P         auto (default) | cuda | dml | coreml | webgpu | cpu
  --profile P          resident | sequential (default sequential: one stage in memory at a time)
  --precision P        for a checkpoint: ${Precision.options.join(' | ')} (default fp32)`;

function parseSize(v: string | undefined): { width: number; height: number } {
  if (v === undefined) return { width: 1024, height: 1024 };
  const m = /^(\d+)x(\d+)$/i.exec(v.trim());
  if (!m) throw new GlimmerError('bad_request', `--size must look like 1024x768 (width x height), not "${v}".`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

function imageArg(file: string, what: string): ImageRef {
  if (!existsSync(file)) throw new GlimmerError('bad_request', `${what} ${file} does not exist.`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new GlimmerError('bad_request', `${what} ${file} cannot be read (${(err as Error).message}).`);
  }
  return { dataBase64: bytes.toString('base64'), name: path.basename(file) };
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
}): GenerateRequest {
  if (v.prompt === undefined || v.prompt.trim() === '') throw new GlimmerError('bad_request', '--prompt TEXT is required.');
  const { width, height } = parseSize(v.size);
  let guidance: number | undefined;
  if (v.guidance !== undefined) {
    guidance = Number(v.guidance);
    if (!Number.isFinite(guidance)) throw new GlimmerError('bad_request', `--guidance must be a number, not "${v.guidance}".`);
  }
  const bestOf = parseIntArg('best-of', v['best-of'], 2, 16);
  if (bestOf !== undefined && v.count !== undefined) throw new GlimmerError('bad_request', '--best-of N makes N candidates: leave out --count.');
  const common = {
    prompt: v.prompt,
    width,
    height,
    steps: parseIntArg('steps', v.steps, 1, 200),
    seed: parseIntArg('seed', v.seed, 0, Number.MAX_SAFE_INTEGER),
    count: bestOf ?? parseIntArg('count', v.count, 1, 16),
    ...(bestOf !== undefined ? { bestByText: true } : {}),
    ...(guidance !== undefined ? { guidance } : {}),
  };
  const images = v.image ?? [];
  const mode = v.mode ?? (images.length > 0 ? 'edit' : 'text');
  if (v.mask && mode !== 'edit') throw new GlimmerError('bad_request', '--mask works with --mode edit only.');
  let input: GenerateRequestInput;
  switch (mode) {
    case 'text':
      if (images.length > 0) throw new GlimmerError('bad_request', '--image needs --mode edit, style or identity.');
      input = { mode: 'text', ...common };
      break;
    case 'edit':
      if (images.length < 1 || images.length > 4) throw new GlimmerError('bad_request', '--mode edit needs one to four --image files (the first is the one edited).');
      input = {
        mode: 'edit',
        ...common,
        images: images.map((f, i) => imageArg(f, `--image ${i + 1}`)),
        ...(v.mask ? { mask: imageArg(v.mask, '--mask') } : {}),
      };
      break;
    case 'style':
      if (images.length !== 2) throw new GlimmerError('bad_request', '--mode style needs two --image files: the content image, then the style image.');
      input = { mode: 'style', ...common, content: imageArg(images[0]!, '--image (content)'), style: imageArg(images[1]!, '--image (style)') };
      break;
    case 'identity':
      if (images.length !== 1) throw new GlimmerError('bad_request', '--mode identity needs exactly one --image (the subject).');
      input = { mode: 'identity', ...common, subject: imageArg(images[0]!, '--image (subject)') };
      break;
    default:
      throw new GlimmerError('bad_request', `--mode must be edit, style or identity, not "${mode}".`);
  }
  const parsed = GenerateRequest.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    const where = key === 'width' || key === 'height' ? '--size' : key === 'bestByText' ? '--best-of' : `--${String(issue.path[0] ?? 'request')}`;
    throw new GlimmerError('bad_request', `${where}: ${issue.message}.`);
  }
  return parsed.data;
}

function outFile(out: string, i: number, count: number): string {
  if (count === 1) return out;
  const ext = path.extname(out);
  return `${out.slice(0, out.length - ext.length)}-${i + 1}${ext}`;
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
    provider: { type: 'string' },
    profile: { type: 'string' },
    precision: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (!v.model) throw new GlimmerError('bad_request', '--model DIR is required (a compiled model folder or a GLM-Image checkpoint).');
  if (!v.out) throw new GlimmerError('bad_request', '--out FILE.png is required.');
  if (!v.out.toLowerCase().endsWith('.png')) throw new GlimmerError('bad_request', `--out must name a .png file, not "${v.out}".`);
  const outDir = path.dirname(path.resolve(v.out));
  if (!existsSync(outDir)) throw new GlimmerError('bad_request', `The folder of --out (${outDir}) does not exist.`);
  const provider = providerArg(v.provider);
  const profile = (v.profile ?? 'sequential') as MemoryProfile;
  if (profile !== 'resident' && profile !== 'sequential') throw new GlimmerError('bad_request', `--profile must be resident or sequential, not "${v.profile}".`);
  const request = buildRequest(v);
  if (!existsSync(v.model)) throw new GlimmerError('bad_request', `--model ${v.model} does not exist.`);

  const precision = Precision.safeParse(v.precision ?? 'fp32');
  if (!precision.success) throw new GlimmerError('bad_request', `--precision must be ${Precision.options.join(', ')}; not "${v.precision}".`);
  const settings: EngineSettings = {
    modelDir: path.resolve(v.model),
    provider,
    memoryProfile: profile,
    precision: precision.data,
  };
  const t0 = Date.now();
  return withEngine(settings, async (engine, signal) => {
    const status = await engine.provider();
    console.error(`provider: ${status.chosen} — ${status.reason}`);
    const candidates: Array<{ file: string; check: TextCheck | null }> = [];
    const images = await engine.generate(request, {
      signal,
      streamer: new ProgressBar(),
      onImage: async (img, i) => {
        const file = path.resolve(outFile(v.out!, i, request.count));
        const png = await generatedPng({ raw: img.pixels.rgb, width: img.pixels.width, height: img.pixels.height, channels: 3 }, img.recipe);
        await writeFileAtomic(file, png.bytes);
        const seeds = request.bestByText ? `AR seed ${img.recipe.seeds.ar}, noise seed ${img.recipe.seeds.noise}` : `seed ${img.recipe.seed}`;
        console.log(`${file}  (${seeds}, ${img.recipe.width}x${img.recipe.height}, ${img.recipe.steps} steps, model ${img.recipe.model})`);
        if (img.textCheck) for (const line of formatCheck(img.textCheck)) console.log(`  ${line}`);
        candidates.push({ file, check: img.textCheck ?? null });
      },
    });
    if (request.bestByText && candidates.length > 0) {
      const order = rankByText(candidates.map((c) => c.check));
      const best = candidates[order[0]!]!;
      console.log(`best of ${candidates.length} by text: ${best.file}  (score ${best.check?.score?.toFixed(2) ?? '—'}, ${best.check?.found ?? 0}/${best.check?.total ?? 0} found)`);
      console.log(`ranking: ${order.map((k) => path.basename(candidates[k]!.file)).join(' > ')}`);
    }
    console.error(`done: ${images} image(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  });
}
