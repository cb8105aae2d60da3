/**
 * `glimmer generate`: one request through the same Engine the app uses, without the queue or the
 * library; the PNG (recipe in its metadata) goes to --out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../native-models/atomic-write';
import path from 'node:path';
import { formatBytes, GenerateRequest, type GenerateRequestInput, type MemoryProfile, Precision, ProviderName, Tier, type ImageRef, GlimmerError } from '../contract';
import { resolvePaths } from '../studio/paths';
import { EngineHost } from '../engine/host';
import type { EngineSettings } from '../engine/pipeline';
import { generatedPng } from '../library';
import { parseCommandArgs, parseIntArg } from './args';
import { ProgressBar } from './progress-bar';
import { runRemoteGenerate } from './generate-remote';
import { checkedOut, outFile } from './out-file';

const HELP = `Usage: glimmer generate --model DIR --prompt TEXT --out FILE.png [options]
       glimmer generate --engine URL --prompt TEXT --out FILE.png [options]

  --model DIR          a compiled model folder, or a GLM-Image checkpoint (compiled on the fly into a cache)
  --engine URL         run the job on a server instead: vLLM-Omni or SGLang-Diffusion serving GLM-Image, or
                       another Glimmer Studio's \`glimmer serve\`; its key comes from GLIMMER_ENGINE_KEY
  --engine-kind K      openai | glimmer (default: asked of the server)
  --engine-ca FILE     a CA certificate (PEM) to trust for an HTTPS server with its own certificate
  --prompt TEXT        what to make ('quoted text' is drawn as glyphs)
  --size WxH           output size, multiples of 32 (default 1024x1024)
  --steps N            denoising steps (default 50)
  --guidance G         classifier-free guidance (default 1.5)
  --seed N             seed of the AR sampling and the initial noise (default: random, printed)
  --count N            images to make (seed, seed+1, ...; files FILE-1.png, FILE-2.png, ...)
  --image FILE         reference image (repeat for several); makes it image-to-image
  --mode M             edit (default with --image) | style (--image CONTENT --image STYLE) | identity
  --mask FILE          edit only: white = change, black = keep
  --provider P         auto (default) | cuda | dml | coreml | webgpu | cpu
  --profile P          resident | sequential (default sequential: one stage in memory at a time)
  --precision P        for a checkpoint: ${Precision.options.join(' | ')} (default fp32)
  --tier T             a memory tier: ${Tier.options.join(' | ')} (its preset, compute precision, memory
                       profile and VAE tiling; --profile and --precision are then not used)`;

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
  const common = {
    prompt: v.prompt,
    width,
    height,
    steps: parseIntArg('steps', v.steps, 1, 200),
    seed: parseIntArg('seed', v.seed, 0, Number.MAX_SAFE_INTEGER),
    count: parseIntArg('count', v.count, 1, 16),
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
    const where = issue.path.join('.') === 'width' || issue.path.join('.') === 'height' ? '--size' : `--${String(issue.path[0] ?? 'request')}`;
    throw new GlimmerError('bad_request', `${where}: ${issue.message}.`);
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
    image: { type: 'string', multiple: true },
    mode: { type: 'string' },
    mask: { type: 'string' },
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
    console.log(HELP);
    return 0;
  }
  if (v.engine !== undefined) {
    if (v.model !== undefined) throw new GlimmerError('bad_request', '--model and --engine do not go together: the model is the server\'s.');
    return runRemoteGenerate({ ...v, engine: v.engine, out: checkedOut(v.out) }, buildRequest(v));
  }
  if (!v.model) throw new GlimmerError('bad_request', '--model DIR is required (a compiled model folder or a GLM-Image checkpoint).');
  v.out = checkedOut(v.out);
  const provider = v.provider ?? 'auto';
  if (provider !== 'auto' && !ProviderName.safeParse(provider).success) {
    throw new GlimmerError('bad_request', `--provider must be auto, ${ProviderName.options.join(', ')}; not "${provider}".`);
  }
  const profile = (v.profile ?? 'sequential') as MemoryProfile;
  if (profile !== 'resident' && profile !== 'sequential') throw new GlimmerError('bad_request', `--profile must be resident or sequential, not "${v.profile}".`);
  const request = buildRequest(v);
  if (!existsSync(v.model)) throw new GlimmerError('bad_request', `--model ${v.model} does not exist.`);

  const precision = Precision.safeParse(v.precision ?? 'fp32');
  if (!precision.success) throw new GlimmerError('bad_request', `--precision must be ${Precision.options.join(', ')}; not "${v.precision}".`);
  const tier = v.tier === undefined ? null : Tier.safeParse(v.tier);
  if (tier && !tier.success) throw new GlimmerError('bad_request', `--tier must be ${Tier.options.join(', ')}; not "${v.tier}".`);
  const settings: EngineSettings = {
    modelDir: path.resolve(v.model),
    provider: provider as EngineSettings['provider'],
    memoryProfile: profile,
    precision: precision.data,
    tier: tier ? tier.data : null,
  };
  const engine = new EngineHost({
    app: 'Glimmer Studio CLI',
    settings: () => settings,
    compileCacheDir: path.join(resolvePaths().modelsDir, 'compiled'),
    log: (m) => console.error(m),
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const t0 = Date.now();
  try {
    const status = await engine.provider();
    console.error(`provider: ${status.chosen} — ${status.reason}`);
    const images = await engine.generate(request, {
      signal: controller.signal,
      streamer: new ProgressBar(),
      onImage: async (img, i) => {
        const file = path.resolve(outFile(v.out!, i, request.count));
        const png = await generatedPng({ raw: img.pixels.rgb, width: img.pixels.width, height: img.pixels.height, channels: 3 }, img.recipe);
        await writeFileAtomic(file, png.bytes);
        console.log(`${file}  (seed ${img.recipe.seed}, ${img.recipe.width}x${img.recipe.height}, ${img.recipe.steps} steps, model ${img.recipe.model})`);
        if (v.stats) console.log(formatStats(img.timings));
      },
    });
    console.error(`done: ${images} image(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    process.removeListener('SIGINT', stop);
    await engine.dispose();
  }
}
