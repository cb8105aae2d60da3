/**
 * 5. prior tokens: the target grid's AR ids — sampled on the seed's 'ar' stream (a masked edit forces
 * the cells outside the mask to the source's own ids), or reused / injected — then upsampled 2x to the
 * DiT's token grid.
 */
import { GlimmerError } from '../../../contract';
import { generateImageTokens, prefillPrompt, type TokenEvent, upsampleNearest2x } from '../../ar';
import { createRng, RNG_STREAMS } from '../../random';
import { forcedCells, maskedCells, sourceIdsOnGrid } from '../mask';
import { tokenGridPreview } from '../preview';
import { checkCancelled, need, type PipelineState, type Step, type StepContext, toBigInt64 } from '../state';

export const priorTokens: Step = async (state, ctx) => {
  const { input, sessions, signal } = ctx;
  const target = need(state, 'prompt', 'prior tokens').target;
  let targetIds: Int32Array;
  let tokensFrom: PipelineState['tokensFrom'];
  if (input.priorTokens) {
    targetIds = givenTokens(input.priorTokens.ids, target.h * target.w, sessions.model.dit.priorCodebookSize, input);
    tokensFrom = input.priorTokens.from;
    await sessions.endStage(['vision']);
  } else {
    targetIds = await sample(state, ctx);
    tokensFrom = 'sampled';
    await sessions.endStage(['ar', 'vision']);
  }
  checkCancelled(signal);
  return { ...state, ...withPrior(state, targetIds), tokensFrom };
};

/** The target ids and the DiT's prior ids from them (upsampled 2x). */
export function withPrior(state: PipelineState, targetIds: Int32Array): Pick<PipelineState, 'targetIds' | 'ditPrior'> {
  const target = need(state, 'prompt', 'prior tokens').target;
  return { targetIds, ditPrior: toBigInt64(upsampleNearest2x(targetIds, target).ids) };
}

function givenTokens(ids: ArrayLike<number>, cells: number, codebook: number, input: StepContext['input']): Int32Array {
  if (ids.length !== cells) {
    throw new GlimmerError(
      'bad_request',
      `The given AR tokens are ${ids.length}, but a ${input.width}x${input.height} image needs ${cells}. Reuse tokens only at the same size.`,
    );
  }
  const out = Int32Array.from(Array.from(ids, Number));
  for (const id of out) {
    if (!Number.isInteger(id) || id < 0 || id >= codebook) throw new GlimmerError('bad_request', `AR token ${id} is outside the codebook 0..${codebook - 1}.`);
  }
  return out;
}

/**
 * The sampling of this run, as the AR loop and the recipe take it: the request's temperature and
 * top-p where it set them, the model's defaults (generation_config.json) otherwise.
 */
export function samplingFor(
  sampling: StepContext['sessions']['model']['sampling'],
  vocabSize: number,
  requested: StepContext['input']['sampling'] = {},
): { temperature: number; topP: number; topK?: number } {
  return {
    temperature: requested.temperature ?? sampling.temperature,
    topP: requested.topP ?? sampling.topP,
    // a top-k not smaller than the vocabulary keeps every token: leave it out
    ...(sampling.topK !== undefined && sampling.topK < vocabSize ? { topK: sampling.topK } : {}),
  };
}

async function sample(state: PipelineState, ctx: StepContext): Promise<Int32Array> {
  return (await sampleTargets(state, ctx, [ctx.input.seed]))[0]!;
}

/**
 * The target grid's ids for each AR seed. One seed: the prompt is run and sampled from, as always.
 * Several (best of N): the prompt is run once (prefillPrompt) and every seed samples from that KV
 * cache and first logits, so only the image tokens are computed N times. Progress counts every
 * candidate's tokens as one 'ar' phase. The caller ends the AR stage.
 */
export async function sampleTargets(state: PipelineState, { input, sessions, signal, clock }: StepContext, seeds: readonly number[]): Promise<Int32Array[]> {
  const prompt = need(state, 'prompt', 'prior tokens');
  const target = prompt.target;
  const ar = await sessions.get('ar');
  const cfg = sessions.model.arConfig(ar);
  let forced: Map<number, number> | undefined;
  if (state.mask) {
    const src = need(state, 'referenceTokens', 'prior tokens')[0]!;
    const sourceIds = sourceIdsOnGrid(src.ids, src.grid[1], src.grid[2], target.h, target.w);
    forced = forcedCells(maskedCells(state.mask, target.h, target.w), sourceIds);
  }
  const grids = prompt.rope.generationGrids;
  const perCandidate = grids.reduce((s, g) => s + g.h * g.w, 0);
  const total = perCandidate * seeds.length;
  clock.begin('ar', total);
  const arPrompt = { inputIds: need(state, 'inputIds', 'prior tokens'), rope: prompt.rope };
  const prefill = seeds.length > 1 ? await prefillPrompt(ar, arPrompt) : undefined;
  const out: Int32Array[] = [];
  for (const [k, seed] of seeds.entries()) {
    checkCancelled(signal);
    const collected: number[] = [];
    const streamer = {
      put: (e: TokenEvent) => {
        collected.push(e.token);
        // a grid's picture as soon as its last cell is written
        const grid = e.grid === 'preview' ? grids[0] : e.grid === 'target' ? target : undefined;
        const done = grid && e.cell === grid.h * grid.w - 1;
        clock.step(k * perCandidate + e.step + 1, total, done ? tokenGridPreview(collected.slice(collected.length - grid.h * grid.w), grid.h, grid.w) : undefined);
      },
      end: () => undefined,
    };
    const result = await generateImageTokens(ar, arPrompt, {
      rng: createRng(seed, RNG_STREAMS.ar),
      codebookSize: cfg.codebookSize,
      endTokenId: cfg.eosTokenId,
      ...samplingFor(sessions.model.sampling, ar.vocabSize, input.sampling),
      ...(forced ? { forced: { target: forced } } : {}),
      ...(prefill ? { prefill } : {}),
      signal,
      streamer,
    });
    out.push(Int32Array.from(result.target.ids));
  }
  return out;
}
