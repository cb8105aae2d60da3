/**
 * The DiT at run time: DitModel (session, validated passes, reference-image KV cache writes),
 * ReferenceKvCache (the cache and its multi-reference concatenation), denoise (the CFG + Euler loop).
 */
export { DitModel, type DitPass, type ReferencePass, type DitModelOptions } from './dit-model';
export { ReferenceKvCache } from './reference-cache';
export { denoise, type DenoiseRequest, type GlyphInput } from './denoise';
export { latentSizeFor, checkPassShape, type PassShape } from './validate';
