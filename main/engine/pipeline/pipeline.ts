/**
 * One GLM-Image generation, top to bottom in numbered steps (the shape of diffusers'
 * GlmImagePipeline.__call__; our own code):
 *
 *   1. validate            sizes, mask only with a source image
 *   2. references          reference images brought to sizes the model takes
 *   3. tokenize            chat template + target-shape suffix (+ <|image|> placeholders)
 *   4. reference tokens    ViT + VQ ids of each reference, placed in the prompt
 *   5. prior tokens        AR sampling (seed's 'ar' stream; masked edit: cells outside the mask forced
 *                          to the source's ids), or reused / injected tokens; upsampled 2x for the DiT
 *   6. reference latents   VAE encoder (image-to-image)
 *   7. glyph embeddings    quoted text (cond) and the empty text (uncond)
 *   8. reference KV cache  one DiT pass at t=0 per reference (image-to-image)
 *   9. latents             injected noise, or Gaussian noise from the seed's 'noise' stream
 *  10. timesteps           flow-matching schedule with GLM-Image's dynamic shift
 *  11. denoise             cond + uncond (prior dropped, no reference) with CFG, Euler steps
 *  12. decode              VAE decoder → RGB
 *  13. masked blend        outside the mask the source's pixels
 *  14. recipe
 *
 * Memory profile: ModuleSessions.endStage releases each stage's modules under `sequential`.
 * Cancellation (AbortSignal) is checked between tokens, between DiT passes and between steps here.
 */
import { type GenerateRequest, GlimmerError, type Recipe, RECIPE_VERSION } from '../../contract';
import { AR_SAMPLING_DEFAULTS, generateImageTokens, upsampleNearest2x, type ArModel, type TokenEvent } from '../ar';
import { type DitModel, latentSizeFor, ReferenceKvCache, denoise } from '../dit';
import type { GlyphEncoder } from '../glyph';
import type { DecodedPixels, RgbImage } from '../image';
import { checkOutputSize, type ProcessedPrompt } from '../processor';
import { createRng, gaussianTensor, RNG_STREAMS } from '../random';
import { buildSchedule, imageSeqLen } from '../scheduler';
import type { Vae } from '../vae';
import type { VisionTokenizer } from '../vision';
import { blendMasked, forcedCells, maskAt, maskedCells, sourceIdsOnGrid } from './mask';
import { latentPreview, tokenGridPreview } from './preview';
import { PhaseClock, type PipelineStreamer } from './progress';
import { encodeTokens, tokensHash } from './recipe';
import { fitReference, resizeCover } from './references';
import { type ModuleSessions, withProfile } from './sessions';

export interface PipelineInput {
  mode: GenerateRequest['mode'];
  prompt: string;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  seed: number;
  /** Decoded reference images in prompt order (empty: text-to-image). */
  references: RgbImage[];
  referenceHashes?: string[];
  /** Masked edit of references[0]: white = change. */
  mask?: RgbImage;
  maskHash?: string;
  /** Target-grid AR ids (rows×cols of the target grid) to use instead of sampling. */
  priorTokens?: { ids: ArrayLike<number>; from: 'reused' | 'injected' };
  /** Initial latents [1, C, H/8, W/8] instead of seeded noise. */
  noise?: Float32Array;
  reuseTokensOf?: string;
  parentId?: string;
}

export interface PipelineContext {
  sessions: ModuleSessions;
  signal?: AbortSignal;
  streamer?: PipelineStreamer;
  app: string;
  /** DiT steps between latent previews (default: about 10 previews per run). */
  previewEvery?: number;
}

export interface PipelineOutput {
  pixels: DecodedPixels;
  recipe: Recipe;
  /** Target-grid ids and the DiT prior ids they gave. */
  arTokens: Int32Array;
  ditPrior: BigInt64Array;
  timings: Record<string, number>;
}

function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new GlimmerError('cancelled', 'Generation was cancelled.');
}

function toBigInt64(ids: ArrayLike<number>): BigInt64Array {
  return BigInt64Array.from(Array.from(ids, (v) => BigInt(v)));
}

export async function runPipeline(input: PipelineInput, ctx: PipelineContext): Promise<PipelineOutput> {
  const { sessions, signal } = ctx;
  const model = sessions.model;
  const clock = new PhaseClock(ctx.streamer);
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  try {
    // 1. validate
    checkOutputSize(input.height, input.width);
    const { latentHeight, latentWidth } = latentSizeFor(input.height, input.width, model.vae.scaleFactor, model.dit);
    const i2i = input.references.length > 0;
    if (input.mask && !i2i) throw new GlimmerError('bad_request', 'A mask needs a source image to edit.');
    if (!Number.isInteger(input.steps) || input.steps < 1) throw new GlimmerError('bad_request', `Steps must be a whole number of at least 1, not ${input.steps}.`);
    checkCancelled(signal);

    // 2. references
    clock.begin('tokenize', 1);
    const refs = await Promise.all(input.references.map((r) => fitReference(model.processor, r)));

    // 3. tokenize
    const prompt: ProcessedPrompt = i2i
      ? model.processor.imageToImage({
          prompt: input.prompt,
          height: input.height,
          width: input.width,
          references: refs.map((r) => ({ height: r.height, width: r.width })),
        })
      : model.processor.textToImage({ prompt: input.prompt, height: input.height, width: input.width });
    const target = prompt.target;
    clock.step(1, 1);
    lap('tokenize');

    // 4. reference tokens
    let inputIds = prompt.inputIds;
    const refTokens: Array<{ ids: BigInt64Array; grid: [number, number, number] }> = [];
    if (i2i) {
      const vision = await sessions.get<VisionTokenizer>('vision');
      for (const r of refs) {
        checkCancelled(signal);
        const tok = await vision.tokenizeImage(r, model.imageProcessor);
        refTokens.push({ ids: tok.ids, grid: tok.grid });
      }
      inputIds = model.processor.fillImageTokens(inputIds, BigInt64ArrayConcat(refTokens.map((r) => r.ids)));
    }

    // 5. prior tokens
    let targetIds: Int32Array;
    let tokensFrom: Recipe['tokensFrom'];
    const cells = target.h * target.w;
    if (input.priorTokens) {
      if (input.priorTokens.ids.length !== cells) {
        throw new GlimmerError(
          'bad_request',
          `The given AR tokens are ${input.priorTokens.ids.length}, but a ${input.width}x${input.height} image needs ${cells} (${target.h}x${target.w}). Reuse tokens only at the same size.`,
        );
      }
      targetIds = Int32Array.from(Array.from(input.priorTokens.ids, Number));
      tokensFrom = input.priorTokens.from;
      for (const id of targetIds) {
        if (!Number.isInteger(id) || id < 0 || id >= model.dit.priorCodebookSize) {
          throw new GlimmerError('bad_request', `AR token ${id} is outside the codebook 0..${model.dit.priorCodebookSize - 1}.`);
        }
      }
      await sessions.endStage(['vision']);
    } else {
      const ar = await sessions.get<ArModel>('ar');
      const cfg = model.arConfig(ar);
      let forced: Map<number, number> | undefined;
      if (input.mask) {
        const src = refTokens[0]!;
        const sourceIds = sourceIdsOnGrid(src.ids, src.grid[1], src.grid[2], target.h, target.w);
        const m = await maskAt(input.mask, input.width, input.height);
        forced = forcedCells(maskedCells(m, target.h, target.w), sourceIds);
      }
      const plan = prompt.rope.generationGrids;
      const total = plan.reduce((s, g) => s + g.h * g.w, 0);
      clock.begin('ar', total);
      const collected: number[] = [];
      const streamer = {
        put: (e: TokenEvent) => {
          collected.push(e.token);
          let preview;
          const grid = e.grid === 'preview' ? prompt.rope.generationGrids[0] : e.grid === 'target' ? target : undefined;
          if (grid && e.cell === grid.h * grid.w - 1) {
            preview = tokenGridPreview(collected.slice(collected.length - grid.h * grid.w), grid.h, grid.w);
          }
          clock.step(e.step + 1, total, preview);
        },
        end: () => undefined,
      };
      const result = await generateImageTokens(
        ar,
        { inputIds, rope: prompt.rope },
        {
          rng: createRng(input.seed, RNG_STREAMS.ar),
          codebookSize: cfg.codebookSize,
          endTokenId: cfg.eosTokenId,
          ...(forced ? { forced: { target: forced } } : {}),
          signal,
          streamer,
        },
      );
      targetIds = Int32Array.from(result.target.ids);
      tokensFrom = 'sampled';
      await sessions.endStage(['ar', 'vision']);
    }
    const ditPrior = toBigInt64(upsampleNearest2x(targetIds, target).ids);
    lap('ar');
    checkCancelled(signal);

    // 6. reference latents
    const refLatents: Array<{ latents: Float32Array; h: number; w: number; width: number; height: number }> = [];
    if (i2i) {
      clock.begin('vae', refs.length);
      const enc = await sessions.get<Vae>('vaeEncoder');
      for (const r of refs) {
        checkCancelled(signal);
        const e = await enc.encodeImage(r, model.latentMultiple);
        refLatents.push({ latents: e.latents, h: e.shape[2], w: e.shape[3], width: e.width, height: e.height });
        clock.step(refLatents.length, refs.length);
      }
      await sessions.endStage(['vaeEncoder']);
      lap('vaeEncode');
    }

    // 7. glyph embeddings
    clock.begin('glyph', 1);
    const glyph = await sessions.get<GlyphEncoder>('glyph');
    const guided = input.guidance > 1;
    const cond = await glyph.encodePrompt(input.prompt, signal);
    const uncond = guided ? await glyph.encodeUnconditional() : cond;
    clock.step(1, 1);
    lap('glyph');
    checkCancelled(signal);

    // 8. reference KV cache
    const dit = await sessions.get<DitModel>('dit');
    let reference: ReferenceKvCache | undefined;
    if (i2i) {
      const caches: ReferenceKvCache[] = [];
      for (let k = 0; k < refs.length; k++) {
        checkCancelled(signal);
        const r = refLatents[k]!;
        const tok = refTokens[k]!;
        const prior = upsampleNearest2x(Array.from(tok.ids, Number), { h: tok.grid[1], w: tok.grid[2] });
        const { cache } = await dit.encodeReference({
          latentHeight: r.h,
          latentWidth: r.w,
          latents: r.latents,
          priorTokenIds: toBigInt64(prior.ids),
          targetSize: [r.height, r.width],
        });
        caches.push(cache);
      }
      reference = ReferenceKvCache.concat(caches);
    }

    // 9. latents
    const latentShape = [1, model.dit.inChannels, latentHeight, latentWidth];
    let noiseFrom: Recipe['noiseFrom'] = 'seeded';
    let latents: Float32Array;
    if (input.noise) {
      const n = latentShape.reduce((a, b) => a * b, 1);
      if (input.noise.length !== n) throw new GlimmerError('bad_request', `The given noise has ${input.noise.length} values; this size needs ${n} ([${latentShape.join(', ')}]).`);
      latents = input.noise;
      noiseFrom = 'injected';
    } else {
      latents = gaussianTensor(createRng(input.seed, RNG_STREAMS.noise), latentShape);
    }

    // 10. timesteps
    const schedule = buildSchedule(input.steps, imageSeqLen(input.height, input.width, model.vae.scaleFactor, model.dit.patchSize), model.scheduler);

    // 11. denoise
    clock.begin('dit', input.steps);
    const every = ctx.previewEvery ?? Math.max(1, Math.round(input.steps / 10));
    const finalLatents = await denoise(dit, {
      schedule,
      guidanceScale: input.guidance,
      latentHeight,
      latentWidth,
      latents,
      cond: { glyphs: cond.embeds, glyphTokens: cond.tokens },
      uncond: { glyphs: uncond.embeds, glyphTokens: uncond.tokens },
      priorTokenIds: ditPrior,
      targetSize: [input.height, input.width],
      reference,
      signal,
      onStep: (step, total, current) => {
        const preview = step % every === 0 && step < total ? latentPreview(current, model.dit.inChannels, latentHeight, latentWidth) : undefined;
        clock.step(step, total, preview);
      },
    });
    await sessions.endStage(['glyph', 'dit']);
    lap('dit');
    checkCancelled(signal);

    // 12. decode
    clock.begin('vae', 1);
    const decoder = await sessions.get<Vae>('vaeDecoder');
    const pixels = await decoder.decode(finalLatents, latentShape);
    await sessions.endStage(['vaeDecoder']);
    clock.step(1, 1);
    lap('vae');

    // 13. masked blend
    let out = pixels;
    if (input.mask) {
      const source = await resizeCover(input.references[0]!, input.width, input.height);
      const m = await maskAt(input.mask, input.width, input.height);
      const rgb = blendMasked(pixels.rgb, source.data, m);
      out = { ...pixels, rgb, float: Float32Array.from(rgb, (v) => v / 255) };
    }

    // 14. recipe
    const recipe: Recipe = {
      version: RECIPE_VERSION,
      app: ctx.app,
      mode: input.mode,
      prompt: input.prompt,
      model: model.id,
      modelName: model.manifest.name,
      modelHashes: model.moduleHashes(),
      precision: model.precision,
      provider: sessions.provider,
      ...(sessions.fallbacks.size > 0 ? { providerFallbacks: Object.fromEntries(sessions.fallbacks) } : {}),
      memoryProfile: sessions.profile,
      width: input.width,
      height: input.height,
      steps: input.steps,
      guidance: input.guidance,
      seed: input.seed,
      seeds: { ar: input.seed, noise: input.seed },
      rng: 'xoshiro128** seeded by SplitMix64 per (seed, stream); streams "ar" and "noise" (main/engine/random)',
      sampling: { temperature: AR_SAMPLING_DEFAULTS.temperature, topP: AR_SAMPLING_DEFAULTS.topP },
      tokensFrom,
      noiseFrom,
      arTokensHash: tokensHash(targetIds),
      arTokens: encodeTokens(targetIds, target.h, target.w),
      ...(input.referenceHashes ? { references: input.referenceHashes } : {}),
      ...(input.maskHash ? { mask: input.maskHash } : {}),
      ...(input.reuseTokensOf ? { reuseTokensOf: input.reuseTokensOf } : {}),
      ...(input.parentId ? { parentId: input.parentId } : {}),
    };
    return { pixels: out, recipe, arTokens: targetIds, ditPrior, timings };
  } catch (err) {
    throw withProfile(err, sessions.profile);
  } finally {
    ctx.streamer?.end();
  }
}

function BigInt64ArrayConcat(parts: BigInt64Array[]): number[] {
  const out: number[] = [];
  for (const p of parts) for (const v of p) out.push(Number(v));
  return out;
}
