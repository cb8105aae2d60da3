/** The steps of one generation, in the order of the model's diagram (pipeline.ts runs them). */
import { decode } from './decode';
import { denoise } from './denoise';
import { glyphEmbeddings } from './glyph';
import { initialLatents } from './latents';
import { maskedBlend } from './masked-blend';
import { priorTokens } from './prior-tokens';
import { recipe } from './recipe';
import { referenceCache } from './reference-cache';
import { referenceLatents } from './reference-latents';
import { referenceTokens } from './reference-tokens';
import { fitReferences } from './references';
import { timesteps } from './timesteps';
import { tokenize } from './tokenize';
import { validate } from './validate';
import type { Step } from '../state';

type NamedStep = readonly [string, Step];

/** Before the AR: sizes, references, the prompt's ids (with the references' VQ tokens). */
export const PROMPT_STEPS: readonly NamedStep[] = [
  ['validate', validate],
  ['references', fitReferences],
  ['tokenize', tokenize],
  ['referenceTokens', referenceTokens],
];
/** The AR: the prior tokens. */
export const PRIOR_STEP: NamedStep = ['ar', priorTokens];
/** What the DiT is conditioned on besides the prior tokens, and its starting point: the same for every AR sample. */
export const CONDITION_STEPS: readonly NamedStep[] = [
  ['vaeEncode', referenceLatents],
  ['glyph', glyphEmbeddings],
  ['referenceCache', referenceCache],
  ['latents', initialLatents],
  ['timesteps', timesteps],
];
/** From the prior tokens to the image and its recipe: once per AR sample. */
export const IMAGE_STEPS: readonly NamedStep[] = [
  ['dit', denoise],
  ['vae', decode],
  ['maskedBlend', maskedBlend],
  ['recipe', recipe],
];

/** [timing name, step]: the numbered list in pipeline.ts, one entry each. */
export const STEPS: readonly NamedStep[] = [...PROMPT_STEPS, PRIOR_STEP, ...CONDITION_STEPS, ...IMAGE_STEPS];

export { sampleTargets, withPrior } from './prior-tokens';
