/** What the UI says about servers and what a target cannot take: one place for these words. */
import type { ServerKind, TargetLimit } from '../../../main/contract';

export const KIND_TEXT: Record<ServerKind, { label: string; help: string }> = {
  openai: { label: 'OpenAI-style image server', help: 'vLLM-Omni or SGLang-Diffusion serving GLM-Image' },
  glimmer: { label: 'Glimmer server', help: "another Glimmer Studio's glimmer serve: every mode, exact progress" },
};

/** What a target cannot take, said before the job is sent (the first two refuse the job). */
export const LIMIT_TEXT: Record<TargetLimit, string> = {
  mask: 'cannot do masked edits: the mask would be ignored, so the job is not sent. Choose This computer or a Glimmer server, or clear the mask.',
  priorTokens: 'cannot reuse the visual tokens of an earlier image ("vary details"), so the job is not sent.',
  arSeed: 'takes no seed for the visual tokens: this image cannot be made again exactly.',
  progress: 'reports no progress while it works: the time left is an estimate from its past jobs.',
};
