/**
 * Checks on everything a DiT pass is given, done before any session runs, so a wrong shape or
 * size is a clear bad_request instead of an onnxruntime error deep in a graph.
 */
import type { DitConfig } from '../../../native-models/dit';
import { GlimmerError } from '../../contract';

function bad(message: string, details?: unknown): GlimmerError {
  return new GlimmerError('bad_request', message, details);
}

/** Pixel size → latent size, refusing sizes the model cannot take (multiples of vae·patch·2 = 32 for GLM-Image). */
export function latentSizeFor(height: number, width: number, vaeScaleFactor: number, cfg: DitConfig): { latentHeight: number; latentWidth: number } {
  const multiple = vaeScaleFactor * cfg.patchSize * 2;
  for (const [what, v] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) throw bad(`The image ${what} must be a positive whole number of pixels, not ${v}.`);
    if (v % multiple !== 0) {
      const lower = Math.max(multiple, Math.floor(v / multiple) * multiple);
      throw bad(`The image ${what} must be a multiple of ${multiple} pixels; ${v} is not. Use ${lower} or ${lower + multiple}.`, {
        [what]: v,
        multiple,
      });
    }
  }
  return { latentHeight: height / vaeScaleFactor, latentWidth: width / vaeScaleFactor };
}

export interface PassShape {
  latentHeight: number;
  latentWidth: number;
  latents: Float32Array;
  glyphs: Float32Array;
  glyphTokens: number;
  priorTokenIds: BigInt64Array;
}

/** The latents, glyph embeddings and prior ids of one pass agree with each other and with the model. */
export function checkPassShape(p: PassShape, cfg: DitConfig): void {
  const { latentHeight: h, latentWidth: w } = p;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0 || h % cfg.patchSize !== 0 || w % cfg.patchSize !== 0) {
    throw bad(`The latent size ${h}x${w} must be positive multiples of the DiT patch size ${cfg.patchSize}.`);
  }
  const expectLatents = cfg.inChannels * h * w;
  if (p.latents.length !== expectLatents) {
    throw bad(`The latents hold ${p.latents.length} values; a ${h}x${w} latent with ${cfg.inChannels} channels needs ${expectLatents}.`);
  }
  if (!Number.isInteger(p.glyphTokens) || p.glyphTokens < 0 || p.glyphs.length !== p.glyphTokens * cfg.textEmbedDim) {
    throw bad(`The glyph embeddings hold ${p.glyphs.length} values, not ${p.glyphTokens} tokens of width ${cfg.textEmbedDim}.`);
  }
  const tokens = (h / cfg.patchSize) * (w / cfg.patchSize);
  if (p.priorTokenIds.length !== tokens) {
    throw bad(`There are ${p.priorTokenIds.length} prior tokens, but a ${h}x${w} latent has ${tokens} DiT tokens.`);
  }
  const max = BigInt(cfg.priorCodebookSize);
  for (let i = 0; i < p.priorTokenIds.length; i++) {
    const id = p.priorTokenIds[i];
    if (id < 0n || id >= max) throw bad(`Prior token ${i} is ${id}, outside the codebook of ${cfg.priorCodebookSize} entries.`);
  }
  for (let i = 0; i < p.latents.length; i++) {
    if (!Number.isFinite(p.latents[i])) throw bad('The latents contain NaN or infinite values.');
  }
}
