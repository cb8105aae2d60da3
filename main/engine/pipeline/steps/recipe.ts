/** 14. recipe: everything needed to make this image again (contract Recipe). */
import { RECIPE_VERSION, type Recipe } from '../../../contract';
import { encodeTokens, tokensHash } from '../recipe';
import { need, type Step } from '../state';
import { samplingFor } from './prior-tokens';

export const recipe: Step = async (state, { input, sessions, app }) => {
  const model = sessions.model;
  const targetIds = need(state, 'targetIds', 'recipe');
  const target = need(state, 'prompt', 'recipe').target;
  const { temperature, topP } = samplingFor(model.sampling, Number.MAX_SAFE_INTEGER, input.sampling);
  const r: Recipe = {
    version: RECIPE_VERSION,
    app,
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
    seeds: { ar: state.arSeed ?? input.seed, noise: input.seed },
    rng: 'xoshiro128** seeded by SplitMix64 per (seed, stream); streams "ar" and "noise" (main/engine/random)',
    sampling: { temperature, topP },
    tokensFrom: need(state, 'tokensFrom', 'recipe'),
    noiseFrom: need(state, 'noiseFrom', 'recipe'),
    arTokensHash: tokensHash(targetIds),
    arTokens: encodeTokens(targetIds, target.h, target.w),
    ...(input.referenceHashes ? { references: input.referenceHashes } : {}),
    ...(input.maskHash ? { mask: input.maskHash } : {}),
    ...(input.reuseTokensOf ? { reuseTokensOf: input.reuseTokensOf } : {}),
    ...(input.parentId ? { parentId: input.parentId } : {}),
  };
  return { ...state, recipe: r };
};
