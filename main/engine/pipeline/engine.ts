/**
 * The engine service the app, `serve` and the CLI share: it opens the chosen model (a compiled
 * folder, or a checkpoint compiled on the fly into a cache), picks the execution provider (Settings
 * 'auto' or a forced one; a fallback always says why), keeps module sessions per the memory profile,
 * and turns a GenerateRequest (one per mode) into images with their recipes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { compiledFolderName, compileModel, parseCompilePrecision, type CompileProgress } from '../../../native-models/compile';
import { MANIFEST_FILE } from '../../../native-models/manifest';
import {
  type ComputePrecision,
  type GenerateRequest,
  type ImageRef,
  type MemoryProfile,
  type Precision,
  type ProviderName,
  type Settings,
  type TextCheck,
  type Tier,
  errorCode,
  extractGlyphTexts,
  GlimmerError,
  requestImages,
  TIERS,
  tierBudget,
} from '../../contract';

export { requestImages };
import { decodeImage, probeImage, type RgbImage } from '../image';
import { type OcrImage, TextChecker } from '../ocr';
import { choose, detectProviders, type ProviderSource } from '../providers';
import { CompiledModel } from './model';
import { decodeTokens } from './recipe';
import { runCandidates, runPipeline, type PipelineInput, type PipelineOutput } from './pipeline';
import type { PipelineStreamer } from './progress';
import { ModuleSessions, profilePlan, type MemoryPlan } from './sessions';

/** The settings the engine reads at every job (contract Settings, less the theme; no tier = null). */
export type EngineSettings = Pick<Settings, 'modelDir' | 'provider' | 'memoryProfile' | 'precision'> & {
  tier?: Tier | null;
  /** Where a forced provider was chosen (the reason names it); default: Settings. */
  providerSource?: ProviderSource;
};

/** What a job runs with: the tier's choices, or the memory profile and precision as set (fp32 compute). */
export function runChoices(s: EngineSettings): { precision: Precision; compute: ComputePrecision; plan: MemoryPlan } {
  if (s.tier) {
    const t = TIERS[s.tier];
    return { precision: t.precision, compute: t.compute, plan: { profile: t.memoryProfile, budget: tierBudget(t), vaeTileAbovePixels: t.vaeTileAbovePixels } };
  }
  return { precision: s.precision, compute: 'fp32', plan: profilePlan(s.memoryProfile) };
}

/**
 * What a request names by reference, resolved by the caller (the studio's queue reads them from the
 * library) before the job reaches the engine, so the engine never touches the library.
 */
export interface JobInputs {
  /** Bytes of each image the request names by generation id. */
  images?: Record<string, Uint8Array>;
  /** For reuseTokensOf ("vary details"): that generation's target-grid tokens (null: it has none). */
  reuseTokens?: { ids: Int32Array; rows: number; cols: number } | null;
}

export interface EngineOptions {
  app: string;
  /** Current settings (read at every job). */
  settings: () => EngineSettings;
  /** Where checkpoints given as the model are compiled to. */
  compileCacheDir: string;
  log?: (message: string) => void;
  /** The text checker (default: the engine's own); its reader follows the engine's provider and profile. */
  textChecker?: TextChecker;
}

export interface GenerateOptions {
  inputs?: JobInputs;
  signal?: AbortSignal;
  streamer?: PipelineStreamer;
  /** Called with the index of the image about to start (count > 1). */
  onImageStart?: (index: number) => void;
  /** Each finished image, as soon as it is made. */
  onImage?: (image: GeneratedImage, index: number) => Promise<void> | void;
  /** Parity/testing and "vary details": target-grid AR tokens and initial noise to use. */
  inject?: { priorTokens?: ArrayLike<number>; noise?: Float32Array };
}

export interface GeneratedImage extends PipelineOutput {
  /** Reference images as given (for the library). */
  references: Array<{ bytes: Buffer; role: string }>;
  /** Best of N by text: this candidate's text check (made before it is handed on). */
  textCheck?: TextCheck;
}

interface Loaded {
  key: string;
  model: CompiledModel;
  sessions: ModuleSessions;
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

/**
 * Cheap checks before a request is queued: every image given as bytes must be a readable PNG, JPEG
 * or WebP of an acceptable size (header only), so a bad file is refused at once.
 */
export async function checkRequestImages(req: GenerateRequest): Promise<void> {
  const refs = requestImages(req).map((n) => ({ ref: n.ref, what: `The ${n.role} image` }));
  if (req.mode === 'edit' && req.mask) refs.push({ ref: req.mask, what: 'The mask' });
  for (const { ref, what } of refs) {
    if (!('dataBase64' in ref)) continue;
    const label = `${what}${ref.name ? ` (${ref.name})` : ''}`;
    const bytes = Buffer.from(ref.dataBase64, 'base64');
    if (bytes.length === 0) throw new GlimmerError('bad_image', `${label} is empty. Choose another file.`);
    await probeImage(bytes, label);
  }
}

/** The bytes of an image the request names: given inline, or resolved by the caller (JobInputs). */
async function decodeRef(ref: ImageRef, what: string, inputs: JobInputs | undefined): Promise<{ bytes: Buffer; image: RgbImage }> {
  let bytes: Buffer;
  if ('dataBase64' in ref) {
    bytes = Buffer.from(ref.dataBase64, 'base64');
  } else {
    const given = inputs?.images?.[ref.generationId];
    if (!given) throw new GlimmerError('not_found', `${what} names generation ${ref.generationId}, which is not in the library. Pass the image file instead.`);
    bytes = Buffer.from(given.buffer, given.byteOffset, given.byteLength);
  }
  if (bytes.length === 0) throw new GlimmerError('bad_image', `${what} is empty. Choose another file.`);
  return { bytes, image: await decodeImage(bytes, what) };
}

export class Engine {
  private loaded: Loaded | null = null;
  private loading: Promise<Loaded> | null = null;
  private lastProblem: string | null = null;
  readonly textChecker: TextChecker;

  constructor(private readonly opts: EngineOptions) {
    this.textChecker = opts.textChecker ?? new TextChecker({ log: opts.log });
  }

  /**
   * Reads `texts` back from an image on the engine's provider (the loaded model's, else the one the
   * settings give) with the memory profile's session options.
   */
  async checkText(image: OcrImage, texts: readonly string[], signal?: AbortSignal): Promise<TextCheck> {
    const provider = this.loaded?.sessions.provider ?? (await this.provider()).chosen;
    return this.textChecker.check(image, texts, { provider, lowMemory: this.opts.settings().memoryProfile === 'sequential' }, signal);
  }

  /** The provider settings ask for, after probing what works here. */
  async provider(): Promise<{ chosen: ProviderName; reason: string }> {
    const s = this.opts.settings();
    const report = await detectProviders();
    if (s.provider === 'auto') return { chosen: report.chosen, reason: report.chosenReason };
    const c = choose(report.providers, s.provider, s.providerSource);
    return { chosen: c.chosen, reason: c.chosenReason };
  }

  get problem(): string | null {
    return this.lastProblem;
  }

  get current(): { model: CompiledModel; provider: ProviderName; profile: MemoryProfile } | null {
    return this.loaded ? { model: this.loaded.model, provider: this.loaded.sessions.provider, profile: this.loaded.sessions.profile } : null;
  }

  /** A checkpoint folder (model_index.json, no manifest) is compiled into the cache first; a compiled one is used as is. */
  async resolveModelDir(dir: string, onProgress?: (p: CompileProgress) => void, signal?: AbortSignal): Promise<string> {
    if (!existsSync(dir)) throw new GlimmerError('model_missing', `The model folder ${dir} does not exist. Choose a model in Settings.`, { file: dir });
    if (existsSync(path.join(dir, MANIFEST_FILE))) return dir;
    if (!existsSync(path.join(dir, 'model_index.json'))) {
      throw new GlimmerError(
        'model_missing',
        `${dir} is neither a compiled model (${MANIFEST_FILE}) nor a GLM-Image checkpoint (model_index.json). Choose the right folder, or compile it with \`glimmer compile\`.`,
        { file: dir },
      );
    }
    const choices = runChoices(this.opts.settings());
    const precision = parseCompilePrecision(choices.precision);
    const out = path.join(this.opts.compileCacheDir, compiledFolderName(dir, precision, choices.compute));
    mkdirSync(this.opts.compileCacheDir, { recursive: true }); // our own cache folder
    await compileModel(dir, out, { precision, compute: choices.compute, onProgress, signal, app: this.opts.app });
    return out;
  }

  /** Opens the model of the current settings (reusing the loaded one when nothing changed). */
  async load(signal?: AbortSignal, streamer?: PipelineStreamer): Promise<Loaded> {
    const s = this.opts.settings();
    if (!s.modelDir) {
      throw new GlimmerError('model_missing', 'No model is chosen. Pick a GLM-Image model folder in Settings (or pass --model to the CLI).');
    }
    const provider = await this.provider();
    const choices = runChoices(s);
    const key = JSON.stringify([path.resolve(s.modelDir), provider.chosen, s.memoryProfile, s.precision, s.tier ?? null]);
    if (this.loaded?.key === key) return this.loaded;
    if (this.loading) await this.loading.catch(() => undefined);
    if (this.loaded?.key === key) return this.loaded;
    await this.unload();
    this.loading = (async () => {
      try {
        // a checkpoint compiles first: its modules are the 'load' phase's steps
        const onProgress = streamer
          ? (p: CompileProgress) => streamer.put({ phase: 'load', step: p.state === 'start' ? p.index - 1 : p.index, total: p.total, etaMs: null })
          : undefined;
        const dir = await this.resolveModelDir(s.modelDir!, onProgress, signal);
        const model = await CompiledModel.open(dir);
        this.lastProblem = null;
        return { key, model, sessions: new ModuleSessions(model, provider.chosen, choices.plan) };
      } catch (err) {
        this.lastProblem = err instanceof Error ? err.message : String(err);
        throw err;
      }
    })();
    try {
      this.loaded = await this.loading;
      this.opts.log?.(
        `[engine] model ${this.loaded.model.id} on ${provider.chosen} (${provider.reason}), ${s.tier ? `tier ${s.tier} (profile ${choices.plan.profile})` : `profile ${s.memoryProfile}`}`,
      );
      return this.loaded;
    } finally {
      this.loading = null;
    }
  }

  /**
   * Makes `count` images for a request. Every input is checked and decoded before any model work,
   * so a bad image file is refused with nothing else disturbed.
   */
  async generate(req: GenerateRequest, opts: GenerateOptions = {}): Promise<GeneratedImage[]> {
    // inputs first: a bad image is refused before the model is touched
    const named = requestImages(req);
    const refs: Array<{ bytes: Buffer; image: RgbImage; role: string }> = [];
    for (const [i, n] of named.entries()) {
      const what = `${n.role === 'reference' ? `Reference image ${i + 1}` : `The ${n.role} image`}${'name' in n.ref && n.ref.name ? ` (${n.ref.name})` : ''}`;
      refs.push({ ...(await decodeRef(n.ref, what, opts.inputs)), role: n.role });
    }
    let mask: { bytes: Buffer; image: RgbImage } | undefined;
    if (req.mode === 'edit' && req.mask) mask = await decodeRef(req.mask, 'The mask', opts.inputs);
    let priorTokens: { ids: ArrayLike<number>; from: 'reused' | 'injected' } | undefined;
    if (opts.inject?.priorTokens) priorTokens = { ids: opts.inject.priorTokens, from: 'injected' };
    else if (req.priorTokens) {
      // given with the request (a studio sending "vary details" of an image in its own library)
      const t = decodeTokens({ arTokens: req.priorTokens });
      if (!t) throw new GlimmerError('bad_request', 'The AR tokens given with the request are malformed (rows x cols int32 values, base64).');
      priorTokens = { ids: t.ids, from: 'injected' };
    } else if (req.reuseTokensOf) {
      const t = opts.inputs?.reuseTokens;
      if (!t) throw new GlimmerError('not_found', `Generation ${req.reuseTokensOf} has no AR tokens to reuse; use "vary composition" instead.`);
      priorTokens = { ids: t.ids, from: 'reused' };
    }

    const loaded = await this.load(opts.signal, opts.streamer);
    const baseSeed = req.seed ?? randomSeed();
    const input = (seed: number): PipelineInput => ({
      mode: req.mode,
      prompt: req.prompt,
      width: req.width,
      height: req.height,
      steps: req.steps,
      guidance: req.guidance,
      seed,
      references: refs.map((r) => r.image),
      referenceHashes: refs.map((r) => sha256(r.bytes)),
      ...(mask ? { mask: mask.image, maskHash: sha256(mask.bytes) } : {}),
      ...(priorTokens ? { priorTokens } : {}),
      ...(opts.inject?.noise ? { noise: opts.inject.noise } : {}),
      ...(req.reuseTokensOf ? { reuseTokensOf: req.reuseTokensOf } : {}),
      ...(req.parentId ? { parentId: req.parentId } : {}),
      ...(req.temperature !== undefined || req.topP !== undefined
        ? { sampling: { ...(req.temperature !== undefined ? { temperature: req.temperature } : {}), ...(req.topP !== undefined ? { topP: req.topP } : {}) } }
        : {}),
    });
    const ctx = { sessions: loaded.sessions, signal: opts.signal, streamer: opts.streamer, app: this.opts.app };
    const references = refs.map((r) => ({ bytes: r.bytes, role: r.role }));
    const out: GeneratedImage[] = [];
    try {
      const referencePixels = refs.reduce((n, r) => n + r.image.width * r.image.height, 0);
      const job = { width: req.width, height: req.height, ...(referencePixels > 0 ? { referencePixels } : {}) };
      if (req.bestByText) {
        // best of N by text: AR seeds base, base+1, …; the noise of the base seed for every candidate
        const texts = extractGlyphTexts(req.prompt);
        const seeds = Array.from({ length: req.count }, (_, i) => (baseSeed + i) % Number.MAX_SAFE_INTEGER);
        loaded.sessions.beginJob(job);
        await runCandidates(input(baseSeed), ctx, {
          arSeeds: seeds,
          onCandidateStart: (i) => opts.onImageStart?.(i),
          onCandidate: async (result, i) => {
            opts.streamer?.put({ phase: 'check', step: 0, total: 1, etaMs: null });
            const textCheck = await this.checkText(result.pixels, texts, opts.signal);
            opts.streamer?.put({ phase: 'check', step: 1, total: 1, etaMs: null });
            const image: GeneratedImage = { ...result, timings: { ...result.timings, check: textCheck.ms }, references, textCheck };
            out.push(image);
            await opts.onImage?.(image, i);
          },
        });
      } else {
        for (let i = 0; i < req.count; i++) {
          opts.onImageStart?.(i);
          loaded.sessions.beginJob(job);
          const result = await runPipeline(input((baseSeed + i) % Number.MAX_SAFE_INTEGER), ctx);
          const image: GeneratedImage = { ...result, references };
          out.push(image);
          await opts.onImage?.(image, i);
        }
      }
    } catch (err) {
      // cancelled or out of memory: free the sessions (and their device memory) now; after any
      // other failure they stay loaded for the next job
      const code = errorCode(err);
      if (code === 'cancelled' || code === 'out_of_memory') await loaded.sessions.releaseAll();
      throw err;
    }
    return out;
  }

  async unload(): Promise<void> {
    const l = this.loaded;
    this.loaded = null;
    if (l) await l.sessions.releaseAll();
    await this.textChecker.release();
  }

  async dispose(): Promise<void> {
    await this.unload();
  }
}
