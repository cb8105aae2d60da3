/**
 * The compiled AR graph at run time: one onnxruntime session, the KV cache between calls, and the
 * step interface the generation loop drives (prefill and decode are the same call: append tokens
 * with their (t, h, w) positions, get the last position's logits).
 *
 * The KV cache: each run's present keys/values are the next run's past. Where the provider can keep
 * outputs in device memory (WebGPU) they stay there ('gpu-buffer' tensors fed straight back, the
 * previous ones released), so a token moves only its id, its positions, two lengths and the logits
 * between host and device, however long the cache. Elsewhere they come back as host arrays.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type ProviderName, GlimmerError } from '../../contract';
import { createSession, keepsOutputsOnDevice, ort, translateRuntimeError } from '../session';
import type { Positions3D } from '../processor';
import { checkPrefillAttention, SAFE_CHUNK } from '../attention-check';

/** What the loop needs from a model: append tokens at positions, get the next-token logits. */
export interface ArStepModel {
  /** Size of the logits vector (the vision vocabulary). */
  readonly vocabSize: number;
  /** Forget the KV cache (start a new sequence). */
  reset(): void;
  /** Appends ids at the given positions; returns the logits of the last one (an array the caller owns). */
  forward(ids: ArrayLike<number>, positions: Positions3D): Promise<Float32Array>;
  /** Tokens in the cache. */
  readonly cachedTokens: number;
  /**
   * The KV cache as it is now, to come back to with restore() (best of N: one prompt prefill, then
   * each candidate's tokens from it). A snapshot must stay valid while later forward() calls run.
   */
  snapshot?(): ArCacheSnapshot;
  restore?(snapshot: ArCacheSnapshot): void;
}

/** A KV cache state of one model (opaque to the loop). */
export interface ArCacheSnapshot {
  readonly tokens: number;
  readonly state: unknown;
}

/** The graph interface this runtime feeds (native-models/ar AR_GRAPH_VERSION). */
export const AR_GRAPH_VERSION = 2;

/** Subset of native-models/ar's manifest the runtime reads. */
export interface ArModelManifest {
  kind: string;
  version: number;
  model: string;
  precision: string;
  logits: 'last' | 'all';
  kv: 'fp32' | 'fp16';
  config: { numLayers: number; numKvHeads: number; headDim: number; visionVocabSize: number; codebookSize: number; eosTokenId: number };
}

export interface LoadArOptions {
  provider?: ProviderName;
  intraOpThreads?: number;
}

function readArManifest(manifestPath: string): ArModelManifest {
  if (!existsSync(manifestPath)) {
    throw new GlimmerError('model_missing', `The compiled AR model ${manifestPath} is missing. Compile the model (Models → Compile).`, {
      file: manifestPath,
    });
  }
  let manifest: ArModelManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ArModelManifest;
  } catch {
    throw new GlimmerError('model_corrupt', `The compiled AR manifest ${manifestPath} is damaged. Recompile the model.`, { file: manifestPath });
  }
  if (manifest.kind !== 'glm-image-ar' || !manifest.config || !manifest.model) {
    throw new GlimmerError('model_corrupt', `${manifestPath} is not a GLM-Image AR manifest. Recompile the model.`, { file: manifestPath });
  }
  if (manifest.version !== AR_GRAPH_VERSION) {
    throw new GlimmerError(
      'model_corrupt',
      `The AR model ${manifestPath} was compiled by ${(manifest.version ?? 1) < AR_GRAPH_VERSION ? 'an older' : 'a newer'} Glimmer Studio (graph version ${manifest.version ?? 1}; this version runs ${AR_GRAPH_VERSION}). Compile the model again (Models → Compile).`,
      { file: manifestPath, version: manifest.version },
    );
  }
  return manifest;
}

export class ArModel implements ArStepModel {
  readonly manifest: ArModelManifest;
  readonly modelPath: string;
  private readonly session: ort.InferenceSession;
  private past: ort.Tensor[] = [];
  private pastLength = 0;
  /**
   * Longest run of prompt tokens fed at once (null: the whole prompt in one run). Set where the
   * provider's many-query attention failed its self-check (attention-check.ts).
   */
  readonly prefillChunk: number | null;
  /** Why the prompt is fed in chunks, when it is. */
  readonly note: string | null;

  private constructor(session: ort.InferenceSession, manifest: ArModelManifest, modelPath: string, prefillChunk: number | null, note: string | null) {
    this.session = session;
    this.manifest = manifest;
    this.modelPath = modelPath;
    this.prefillChunk = prefillChunk;
    this.note = note;
    this.reset();
  }

  /** Loads <dir>/<base>.json (written by native-models/ar buildAr) and its model. */
  static async load(manifestPath: string, opts: LoadArOptions = {}): Promise<ArModel> {
    const manifest = readArManifest(manifestPath);
    const modelPath = path.join(path.dirname(manifestPath), manifest.model);
    const presents: string[] = [];
    for (let l = 0; l < manifest.config.numLayers; l++) presents.push(`present_key.${l}`, `present_value.${l}`);
    const provider = opts.provider ?? 'cpu';
    const check = await checkPrefillAttention(provider);
    const note = check.ok
      ? null
      : `${provider}'s attention over many queries at once is wrong on this adapter (error ${check.maxError.toExponential(1)} in a self-check); the prompt is fed ${SAFE_CHUNK} tokens at a time`;
    const session = await createSession(modelPath, { provider, intraOpThreads: opts.intraOpThreads, module: 'ar', deviceOutputs: presents });
    return new ArModel(session, manifest, modelPath, check.ok ? null : SAFE_CHUNK, note);
  }

  /** Whether the KV cache lives in device memory on this provider. */
  static cacheOnDevice(provider: ProviderName): boolean {
    return keepsOutputsOnDevice(provider);
  }

  get vocabSize(): number {
    return this.manifest.config.visionVocabSize;
  }

  get cachedTokens(): number {
    return this.pastLength;
  }

  private dropPast(): void {
    for (const t of this.past) if (t.location === 'gpu-buffer') t.dispose();
    this.past = [];
  }

  reset(): void {
    const { numLayers, numKvHeads, headDim } = this.manifest.config;
    this.dropPast();
    const empty = () =>
      this.manifest.kv === 'fp16'
        ? new ort.Tensor('float16', new Uint16Array(0), [1, numKvHeads, 0, headDim])
        : new ort.Tensor('float32', new Float32Array(0), [1, numKvHeads, 0, headDim]);
    for (let l = 0; l < 2 * numLayers; l++) this.past.push(empty());
    this.pastLength = 0;
  }

  /**
   * Free: the cache is a list of onnxruntime tensors that forward() only reads (each run returns new
   * present tensors), so keeping the list keeps the state. Were the cache ever kept in buffers that
   * runs write into (device IO binding), this would have to copy them.
   */
  snapshot(): ArCacheSnapshot {
    return { tokens: this.pastLength, state: [...this.past] };
  }

  restore(snapshot: ArCacheSnapshot): void {
    const past = snapshot.state as ort.Tensor[];
    if (!Array.isArray(past) || past.length !== 2 * this.manifest.config.numLayers) throw new Error('ArModel.restore: not a snapshot of this model');
    this.past = [...past];
    this.pastLength = snapshot.tokens;
  }

  async forward(ids: ArrayLike<number>, positions: Positions3D): Promise<Float32Array> {
    const S = ids.length;
    if (S === 0) throw new Error('ArModel.forward: no tokens');
    if (positions.length !== S) throw new Error(`ArModel.forward: ${S} tokens but ${positions.length} positions`);
    const chunk = this.prefillChunk;
    if (chunk === null || S <= chunk) return this.run(ids, positions);
    let logits: Float32Array | undefined;
    for (let at = 0; at < S; at += chunk) {
      const end = Math.min(S, at + chunk);
      logits = await this.run(Array.prototype.slice.call(ids, at, end) as number[], positions.slice(at, end));
    }
    return logits!;
  }

  private async run(ids: ArrayLike<number>, positions: Positions3D): Promise<Float32Array> {
    const S = ids.length;
    const { numLayers } = this.manifest.config;
    const total = this.pastLength + S;
    const inputIds = new BigInt64Array(S);
    for (let i = 0; i < S; i++) inputIds[i] = BigInt(ids[i]);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', inputIds, [1, S]),
      position_ids: new ort.Tensor('int32', positions.toInt32(), [3, 1, S]),
      seqlens_k: new ort.Tensor('int32', Int32Array.of(total - 1), [1]),
      total_sequence_length: new ort.Tensor('int32', Int32Array.of(total), []),
    };
    for (let l = 0; l < numLayers; l++) {
      feeds[`past_key.${l}`] = this.past[2 * l];
      feeds[`past_value.${l}`] = this.past[2 * l + 1];
    }
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds);
    } catch (err) {
      throw translateRuntimeError(err, this.modelPath);
    }
    const next: ort.Tensor[] = [];
    for (let l = 0; l < numLayers; l++) next.push(out[`present_key.${l}`] as ort.Tensor, out[`present_value.${l}`] as ort.Tensor);
    this.dropPast();
    this.past = next;
    this.pastLength = total;
    const data = (out.logits as ort.Tensor).data as Float32Array;
    const V = this.vocabSize;
    // 'last': [1, V], the run's own array; 'all': [1, S, V] → a view of the last row
    return data.length === V ? data : data.subarray(data.length - V);
  }

  async release(): Promise<void> {
    this.dropPast();
    await this.session.release();
  }
}
