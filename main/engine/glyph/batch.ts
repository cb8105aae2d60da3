/**
 * The glyph encoder's batch, built as the reference pipeline (_get_glyph_embeds) builds it:
 *  - no quoted text → the single text "" (so the unconditional/negative branch is [eos]);
 *  - each text → ByT5 ids with eos, truncated to maxSequenceLength (default 2048, the pipeline's);
 *  - when the NUMBER of texts is even, one pad id is put in front of EVERY sequence (the reference's
 *    `[pad] * ((len(texts) + 1) % 2)` quirk), and that pad counts as a real token (mask 1);
 *  - sequences are right-padded with pad to the longest; mask 1 on real tokens, 0 on padding.
 * The encoder output at mask-1 positions, concatenated row by row, is the glyph embedding [1, ΣL, d].
 */
import { GlimmerError } from '../../contract';
import type { ByT5Tokenizer } from './byt5-tokenizer';

export const DEFAULT_GLYPH_MAX_SEQUENCE_LENGTH = 2048;

export interface GlyphBatch {
  /** The texts actually encoded ([""] when the prompt had none). */
  texts: string[];
  batch: number;
  seqLen: number;
  /** [batch, seqLen] row-major. */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** Real (mask-1) tokens per row; they come first in each row. */
  lengths: number[];
  /** Σ lengths: the number of glyph tokens the DiT receives. */
  totalTokens: number;
}

export interface GlyphBatchOptions {
  maxSequenceLength?: number;
  /**
   * Our own guard (not in the reference): refuse more glyph tokens than this in total, because every
   * glyph token is a text token of every DiT pass. Default 16384.
   */
  maxTotalTokens?: number;
}

export const DEFAULT_GLYPH_MAX_TOTAL_TOKENS = 16384;

export function buildGlyphBatch(glyphTexts: readonly string[], tokenizer: ByT5Tokenizer, opts: GlyphBatchOptions = {}): GlyphBatch {
  const maxLen = opts.maxSequenceLength ?? DEFAULT_GLYPH_MAX_SEQUENCE_LENGTH;
  const maxTotal = opts.maxTotalTokens ?? DEFAULT_GLYPH_MAX_TOTAL_TOKENS;
  const texts = glyphTexts.length === 0 ? [''] : [...glyphTexts];
  const lead = (texts.length + 1) % 2; // 1 when the count is even
  const rows = texts.map((t) => {
    const ids = tokenizer.encode(t, maxLen);
    return lead ? [tokenizer.padId, ...ids] : ids;
  });
  const lengths = rows.map((r) => r.length);
  const totalTokens = lengths.reduce((a, b) => a + b, 0);
  if (totalTokens > maxTotal) {
    throw new GlimmerError(
      'bad_request',
      `The quoted text in the prompt is too long: ${totalTokens} glyph bytes in ${texts.length} quoted parts, ` +
        `more than the ${maxTotal} this model accepts. Shorten or remove some quoted text.`,
      { totalTokens, maxTotalTokens: maxTotal, quotedParts: texts.length },
    );
  }
  const seqLen = Math.max(...lengths);
  const batch = rows.length;
  const inputIds = new BigInt64Array(batch * seqLen).fill(BigInt(tokenizer.padId));
  const attentionMask = new BigInt64Array(batch * seqLen);
  rows.forEach((row, b) => {
    row.forEach((id, j) => {
      inputIds[b * seqLen + j] = BigInt(id);
      attentionMask[b * seqLen + j] = 1n;
    });
  });
  return { texts, batch, seqLen, inputIds, attentionMask, lengths, totalTokens };
}
