/**
 * One call from a request to image tokens: processor (prompt, suffix, positions) → reference VQ ids
 * into the placeholders (image-to-image) → generation loop. The pipeline's "prior tokens" step.
 */
import { GlimmerError } from '../../contract';
import type { GlmImageProcessor, ProcessedPrompt } from '../processor';
import type { ArModel } from './ar-model';
import { generateImageTokens, type GenerateOptions, type GenerateResult } from './generate';

export interface ArRequest {
  prompt: string;
  height: number;
  width: number;
  /** Image-to-image: each reference's original size and its VQ ids (row-major, its grid's size). */
  references?: Array<{ height: number; width: number; vqIds: ArrayLike<number> }>;
}

export type RunArOptions = Omit<GenerateOptions, 'codebookSize' | 'endTokenId'> & Partial<Pick<GenerateOptions, 'codebookSize' | 'endTokenId'>>;

export interface RunArResult extends GenerateResult {
  processed: ProcessedPrompt;
}

export async function runAr(processor: GlmImageProcessor, model: ArModel, req: ArRequest, opts: RunArOptions): Promise<RunArResult> {
  const refs = req.references ?? [];
  const processed =
    refs.length > 0
      ? processor.imageToImage({ prompt: req.prompt, height: req.height, width: req.width, references: refs })
      : processor.textToImage({ prompt: req.prompt, height: req.height, width: req.width });
  let inputIds = processed.inputIds;
  if (refs.length > 0) {
    const all: number[] = [];
    refs.forEach((r, k) => {
      const g = processed.sourceGrids[k];
      if (r.vqIds.length !== g.h * g.w) {
        throw new GlimmerError('internal', `Reference image ${k + 1} has ${r.vqIds.length} VQ ids, but its ${g.h}x${g.w} grid needs ${g.h * g.w}.`);
      }
      for (let i = 0; i < r.vqIds.length; i++) all.push(Number(r.vqIds[i]));
    });
    inputIds = processor.fillImageTokens(processed.inputIds, all);
  }
  const c = model.manifest.config;
  const result = await generateImageTokens(model, { inputIds, rope: processed.rope }, {
    ...opts,
    codebookSize: opts.codebookSize ?? c.codebookSize,
    endTokenId: opts.endTokenId ?? c.eosTokenId,
  });
  return { ...result, processed };
}
