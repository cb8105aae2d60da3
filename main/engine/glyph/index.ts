export { extractGlyphTexts } from '../../contract';
export { ByT5Tokenizer, defaultByT5Spec, readByT5Spec } from './byt5-tokenizer';
export type { AddedToken, ByT5TokenizerSpec } from './byt5-tokenizer';
export { buildGlyphBatch, DEFAULT_GLYPH_MAX_SEQUENCE_LENGTH, DEFAULT_GLYPH_MAX_TOTAL_TOKENS } from './batch';
export type { GlyphBatch, GlyphBatchOptions } from './batch';
export { relativePositionBucket, relativePositionBuckets } from './position-buckets';
export type { RelativeAttentionConfig } from './position-buckets';
export { GlyphEncoder, GLYPH_MANIFEST } from './encoder';
export type { GlyphEncoding, GlyphEncoderOptions } from './encoder';
