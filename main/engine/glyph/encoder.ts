/**
 * Glyph encoder runtime: prompt → quoted texts → ByT5 batch → T5 graph (onnxruntime) → glyph embeddings
 * [1, ΣL, d_model] (the encoder output at every real token, row after row, as the reference's
 * `last_hidden_state[attention_mask.bool()].unsqueeze(0)`). The unconditional branch is the prompt "",
 * i.e. the single text "" → [eos] → [1, 1, d_model]; it is computed once and cached.
 *
 * Rows of the batch are independent in T5, so long batches run in row chunks (same padded length as
 * the full batch, so results are those of one run) to bound memory.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GlyphManifest } from '../../../native-models/glyph';
import { GlimmerError, extractGlyphTexts } from '../../contract';
import { createSession, ort, translateRuntimeError, type SessionOptions } from '../session';
import { buildGlyphBatch, type GlyphBatch, type GlyphBatchOptions } from './batch';
import { ByT5Tokenizer } from './byt5-tokenizer';
import { relativePositionBuckets, type RelativeAttentionConfig } from './position-buckets';

export interface GlyphEncoding {
  /** The texts encoded ([""] when the prompt has no quoted text). */
  texts: string[];
  batch: GlyphBatch;
  /** Encoder output [batch.batch, batch.seqLen, dModel], padded positions included. */
  lastHiddenState: Float32Array;
  /** Glyph embeddings [1, tokens, dModel] for the DiT. */
  embeds: Float32Array;
  tokens: number;
  dModel: number;
}

export interface GlyphEncoderOptions extends SessionOptions, GlyphBatchOptions {
  /** Rows × padded length per session run (default 8192 tokens; at least one row per run). */
  maxTokensPerRun?: number;
}

export const GLYPH_MANIFEST = 'glyph.json';

function readManifest(modelDir: string): GlyphManifest {
  const file = path.join(modelDir, GLYPH_MANIFEST);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new GlimmerError('model_missing', `The compiled glyph encoder ${file} is missing. Compile the model again (Models → Compile).`, { file });
  }
  try {
    const m = JSON.parse(text) as GlyphManifest;
    if (m.module !== 'glyph' || !m.t5 || !m.relativeAttention) throw new Error('not a glyph manifest');
    return m;
  } catch (err) {
    throw new GlimmerError('model_corrupt', `${file} is damaged (${(err as Error).message}). Compile the model again (Models → Compile).`, { file });
  }
}

export class GlyphEncoder {
  readonly tokenizer: ByT5Tokenizer;
  readonly dModel: number;
  private readonly relCfg: RelativeAttentionConfig;
  private readonly bucketCache = new Map<number, BigInt64Array>();
  private unconditional: Promise<GlyphEncoding> | undefined;
  /** Whether the graph takes its attention mask as int64 (glyph modules compiled before it took int32). */
  private readonly maskInt64: boolean;

  private constructor(
    private session: ort.InferenceSession | undefined,
    readonly manifest: GlyphManifest,
    readonly modelPath: string,
    tokenizer: ByT5Tokenizer,
    private readonly opts: GlyphEncoderOptions,
  ) {
    this.tokenizer = tokenizer;
    this.dModel = manifest.t5.dModel;
    this.relCfg = manifest.relativeAttention;
    const maskInput = session?.inputMetadata.find((m) => m.name === 'attention_mask');
    this.maskInt64 = maskInput?.isTensor === true && maskInput.type === 'int64';
  }

  /** Load a folder written by native-models/glyph buildGlyph (glyph.json + glyph.onnx + data). */
  static async load(modelDir: string, opts: GlyphEncoderOptions = {}): Promise<GlyphEncoder> {
    const manifest = readManifest(modelDir);
    const tokenizer = manifest.tokenizerDir ? ByT5Tokenizer.fromDir(path.join(modelDir, manifest.tokenizerDir)) : new ByT5Tokenizer();
    const modelPath = path.join(modelDir, manifest.modelFile);
    const session = await createSession(modelPath, { ...opts, module: 'glyph' });
    return new GlyphEncoder(session, manifest, modelPath, tokenizer, opts);
  }

  /** Validate and tokenize (no session work): throws bad_request for text the model cannot take. */
  prepare(prompt: string): GlyphBatch {
    if (typeof prompt !== 'string') throw new GlimmerError('bad_request', 'The prompt must be text.');
    return buildGlyphBatch(extractGlyphTexts(prompt), this.tokenizer, this.opts);
  }

  private buckets(seqLen: number): BigInt64Array {
    let b = this.bucketCache.get(seqLen);
    if (!b) {
      b = relativePositionBuckets(seqLen, seqLen, this.relCfg);
      if (this.bucketCache.size > 8) this.bucketCache.clear();
      this.bucketCache.set(seqLen, b);
    }
    return b;
  }

  /** Run the T5 graph on a batch → last_hidden_state [batch, seqLen, dModel]. */
  async run(batch: GlyphBatch, signal?: AbortSignal): Promise<Float32Array> {
    const session = this.session;
    if (!session) throw new GlimmerError('internal', 'The glyph encoder was released; load it again.');
    const { seqLen, batch: rows } = batch;
    const d = this.dModel;
    const out = new Float32Array(rows * seqLen * d);
    const perRun = Math.max(1, Math.floor((this.opts.maxTokensPerRun ?? 8192) / seqLen));
    const bucket = new ort.Tensor('int64', this.buckets(seqLen), [seqLen, seqLen]);
    for (let r0 = 0; r0 < rows; r0 += perRun) {
      if (signal?.aborted) throw new GlimmerError('cancelled', 'Cancelled.');
      const n = Math.min(perRun, rows - r0);
      const ids = batch.inputIds.subarray(r0 * seqLen, (r0 + n) * seqLen);
      const mask = batch.attentionMask.subarray(r0 * seqLen, (r0 + n) * seqLen);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run({
          input_ids: new ort.Tensor('int64', ids, [n, seqLen]),
          // int32 since the WebGPU fix; glyph modules compiled before it take int64
          attention_mask: this.maskInt64 ? new ort.Tensor('int64', mask, [n, seqLen]) : new ort.Tensor('int32', Int32Array.from(mask, Number), [n, seqLen]),
          position_bucket: bucket,
        });
      } catch (err) {
        throw translateRuntimeError(err, this.modelPath);
      }
      const y = result.last_hidden_state;
      if (!y || !(y.data instanceof Float32Array) || y.data.length !== n * seqLen * d) {
        throw new GlimmerError('model_corrupt', `${this.modelPath} returned an unexpected output; compile the model again.`);
      }
      out.set(y.data, r0 * seqLen * d);
    }
    return out;
  }

  /** Encode a list of glyph texts exactly as the reference does for one prompt. */
  async encodeTexts(texts: readonly string[], signal?: AbortSignal): Promise<GlyphEncoding> {
    return this.encodeBatch(buildGlyphBatch(texts, this.tokenizer, this.opts), signal);
  }

  async encodeBatch(batch: GlyphBatch, signal?: AbortSignal): Promise<GlyphEncoding> {
    const d = this.dModel;
    const lastHiddenState = await this.run(batch, signal);
    const embeds = new Float32Array(batch.totalTokens * d);
    let at = 0;
    batch.lengths.forEach((len, b) => {
      embeds.set(lastHiddenState.subarray(b * batch.seqLen * d, (b * batch.seqLen + len) * d), at);
      at += len * d;
    });
    return { texts: batch.texts, batch, lastHiddenState, embeds, tokens: batch.totalTokens, dModel: d };
  }

  /** The conditional branch: quoted text of the prompt. */
  async encodePrompt(prompt: string, signal?: AbortSignal): Promise<GlyphEncoding> {
    return this.encodeBatch(this.prepare(prompt), signal);
  }

  /** The unconditional / negative branch: the empty text (cached; it does not depend on the prompt). */
  async encodeUnconditional(): Promise<GlyphEncoding> {
    if (!this.unconditional) {
      this.unconditional = this.encodeTexts([]);
      this.unconditional.catch(() => (this.unconditional = undefined));
    }
    return this.unconditional;
  }

  async release(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.unconditional = undefined;
    if (s) await s.release();
  }
}
