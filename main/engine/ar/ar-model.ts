/**
 * The compiled AR graph at run time: one onnxruntime session, the KV cache between calls, and the
 * step interface the generation loop drives (prefill and decode are the same call: append tokens
 * with their (t, h, w) positions, get the last position's logits).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type ProviderName, GlimmerError } from '../../contract';
import { createSession, ort, translateRuntimeError } from '../session';
import type { Positions3D } from '../processor';

/** What the loop needs from a model: append tokens at positions, get the next-token logits. */
export interface ArStepModel {
  /** Size of the logits vector (the vision vocabulary). */
  readonly vocabSize: number;
  /** Forget the KV cache (start a new sequence). */
  reset(): void;
  /** Appends ids at the given positions; returns the logits of the last one (a fresh array). */
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

/** Subset of native-models/ar's manifest the runtime reads. */
export interface ArModelManifest {
  kind: string;
  model: string;
  precision: string;
  logits: 'last' | 'all';
  config: { numLayers: number; numKvHeads: number; headDim: number; visionVocabSize: number; codebookSize: number; eosTokenId: number };
}

export interface LoadArOptions {
  provider?: ProviderName;
  intraOpThreads?: number;
}

export class ArModel implements ArStepModel {
  readonly manifest: ArModelManifest;
  readonly modelPath: string;
  private readonly session: ort.InferenceSession;
  private past: ort.Tensor[] = [];
  private pastLength = 0;

  private constructor(session: ort.InferenceSession, manifest: ArModelManifest, modelPath: string) {
    this.session = session;
    this.manifest = manifest;
    this.modelPath = modelPath;
    this.reset();
  }

  /** Loads <dir>/<base>.json (written by native-models/ar buildAr) and its model. */
  static async load(manifestPath: string, opts: LoadArOptions = {}): Promise<ArModel> {
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
    const modelPath = path.join(path.dirname(manifestPath), manifest.model);
    const session = await createSession(modelPath, { provider: opts.provider ?? 'cpu', intraOpThreads: opts.intraOpThreads });
    return new ArModel(session, manifest, modelPath);
  }

  get vocabSize(): number {
    return this.manifest.config.visionVocabSize;
  }

  get cachedTokens(): number {
    return this.pastLength;
  }

  reset(): void {
    const { numLayers, numKvHeads, headDim } = this.manifest.config;
    this.past = [];
    for (let l = 0; l < 2 * numLayers; l++) this.past.push(new ort.Tensor('float32', new Float32Array(0), [1, numKvHeads, 0, headDim]));
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
    const { numLayers } = this.manifest.config;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(Array.from(ids, (v) => BigInt(v))), [1, S]),
      position_ids: new ort.Tensor('int64', positions.toBigInt64(), [3, 1, S]),
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
    for (let l = 0; l < numLayers; l++) {
      this.past[2 * l] = out[`present_key.${l}`] as ort.Tensor;
      this.past[2 * l + 1] = out[`present_value.${l}`] as ort.Tensor;
    }
    this.pastLength += S;
    const logits = out.logits as ort.Tensor;
    const data = logits.data as Float32Array;
    const V = this.vocabSize;
    // 'last': [1, V]; 'all': [1, S, V] → the last row
    return Float32Array.from(data.subarray(data.length - V));
  }

  async release(): Promise<void> {
    this.past = [];
    await this.session.release();
  }
}
