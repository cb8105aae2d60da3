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

/** [timing name, step]: the numbered list in pipeline.ts, one entry each. */
export const STEPS: ReadonlyArray<readonly [string, Step]> = [
  ['validate', validate],
  ['references', fitReferences],
  ['tokenize', tokenize],
  ['referenceTokens', referenceTokens],
  ['ar', priorTokens],
  ['vaeEncode', referenceLatents],
  ['glyph', glyphEmbeddings],
  ['referenceCache', referenceCache],
  ['latents', initialLatents],
  ['timesteps', timesteps],
  ['dit', denoise],
  ['vae', decode],
  ['maskedBlend', maskedBlend],
  ['recipe', recipe],
];
