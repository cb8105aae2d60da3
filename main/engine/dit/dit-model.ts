/**
 * The DiT at run time: one onnxruntime session of the graph written by native-models/dit, fed from
 * plain typed arrays. A pass is validated before the session runs. Reference images go through
 * `encodeReference` (the t=0 pass that writes their keys/values); conditional passes read the
 * resulting cache, unconditional passes leave it out.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DIT_INPUTS, DIT_OUTPUTS, type DitConfig, type DitModelDescription } from '../../../native-models/dit';
import type { WeightPrecision } from '../../../native-models/onnx';
import { GlimmerError } from '../../contract';
import { createSession, ort, translateRuntimeError, type SessionOptions } from '../session';
import { ReferenceKvCache } from './reference-cache';
import { checkPassShape, type PassShape } from './validate';

export interface DitPass extends PassShape {
  /** Drop the prior tokens (the unconditional branch). */
  dropPrior: boolean;
  /** What the DiT is conditioned on: the schedule's model timestep (t − 1), or 0 for a reference. */
  timestep: number;
  /** Image size in pixels (height, width) for the size conditioning. */
  targetSize: readonly [number, number];
  cropCoords?: readonly [number, number];
  /** Reference keys/values to attend to (conditional image-to-image passes). */
  reference?: ReferenceKvCache;
}

export interface ReferencePass {
  latentHeight: number;
  latentWidth: number;
  /** The reference's normalised VAE latent [1, C, h, w]. */
  latents: Float32Array;
  /** Its own VQ ids upsampled to the DiT grid. */
  priorTokenIds: BigInt64Array;
  /** The reference image's pixel size (height, width). */
  targetSize: readonly [number, number];
}

export interface DitModelOptions extends SessionOptions {
  precision?: WeightPrecision;
}

function readManifest(modelDir: string, precision: WeightPrecision): DitModelDescription {
  const file = path.join(modelDir, `dit-${precision}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new GlimmerError('model_missing', `The compiled DiT ${file} is missing. Compile the model again (Models → Compile).`, { file });
  }
  try {
    const m = JSON.parse(text) as DitModelDescription;
    if (m.kind !== 'glm-image-dit' || !m.config || !m.model) throw new Error('not a DiT manifest');
    return m;
  } catch (err) {
    throw new GlimmerError('model_corrupt', `${file} is damaged (${(err as Error).message}). Compile the model again (Models → Compile).`, { file });
  }
}

export class DitModel {
  readonly config: DitConfig;

  private constructor(
    private session: ort.InferenceSession | undefined,
    readonly manifest: DitModelDescription,
    readonly modelPath: string,
  ) {
    this.config = manifest.config;
  }

  /** Load `dit-<precision>.json` and its graph from a folder written by buildDit. */
  static async load(modelDir: string, opts: DitModelOptions = {}): Promise<DitModel> {
    const manifest = readManifest(modelDir, opts.precision ?? 'fp32');
    const modelPath = path.join(modelDir, manifest.model);
    return new DitModel(await createSession(modelPath, opts), manifest, modelPath);
  }

  emptyCache(): ReferenceKvCache {
    return ReferenceKvCache.empty(this.config.numLayers, this.config.numHeads, this.config.headDim);
  }

  private checkCache(cache: ReferenceKvCache): void {
    const c = this.config;
    if (cache.layers !== c.numLayers || cache.heads !== c.numHeads || cache.headDim !== c.headDim) {
      throw new GlimmerError('bad_request', 'The reference-image cache was made by a different DiT; encode the reference again.');
    }
  }

  private feeds(p: PassShape, drop: boolean, timestep: number, size: readonly [number, number], crop: readonly [number, number], cache: ReferenceKvCache, write: boolean) {
    const c = this.config;
    const n = p.priorTokenIds.length;
    const f32 = (v: readonly number[]) => new ort.Tensor('float32', Float32Array.from(v), [1, v.length]);
    return {
      [DIT_INPUTS.hiddenStates]: new ort.Tensor('float32', p.latents, [1, c.inChannels, p.latentHeight, p.latentWidth]),
      [DIT_INPUTS.encoderHiddenStates]: new ort.Tensor('float32', p.glyphs, [1, p.glyphTokens, c.textEmbedDim]),
      [DIT_INPUTS.priorTokenId]: new ort.Tensor('int64', p.priorTokenIds, [1, n]),
      [DIT_INPUTS.priorTokenDrop]: new ort.Tensor('bool', new Uint8Array(n).fill(drop ? 1 : 0), [1, n]),
      [DIT_INPUTS.timestep]: new ort.Tensor('float32', Float32Array.of(timestep), [1]),
      [DIT_INPUTS.targetSize]: f32(size),
      [DIT_INPUTS.cropCoords]: f32(crop),
      [DIT_INPUTS.refKeys]: new ort.Tensor('float32', cache.keys, cache.dims),
      [DIT_INPUTS.refValues]: new ort.Tensor('float32', cache.values, cache.dims),
      [DIT_INPUTS.writeRefKv]: new ort.Tensor('bool', Uint8Array.of(write ? 1 : 0), [1]),
    };
  }

  private async run(feeds: Record<string, ort.Tensor>, fetch: string[]): Promise<ort.InferenceSession.OnnxValueMapType> {
    const session = this.session;
    if (!session) throw new GlimmerError('internal', 'The DiT was released; load it again.');
    try {
      return await session.run(feeds, fetch);
    } catch (err) {
      throw translateRuntimeError(err, this.modelPath);
    }
  }

  private sampleOf(result: ort.InferenceSession.OnnxValueMapType, expect: number): Float32Array {
    const y = result[DIT_OUTPUTS.sample];
    if (!y || !(y.data instanceof Float32Array) || y.data.length !== expect) {
      throw new GlimmerError('model_corrupt', `${this.modelPath} returned an unexpected output; compile the model again.`);
    }
    return y.data;
  }

  /** One denoising pass: the velocity [1, C, h, w] for the given latents. */
  async predict(pass: DitPass): Promise<Float32Array> {
    checkPassShape(pass, this.config);
    const cache = pass.reference ?? this.emptyCache();
    this.checkCache(cache);
    if (!Number.isFinite(pass.timestep)) throw new GlimmerError('bad_request', `The timestep ${pass.timestep} is not a number.`);
    const feeds = this.feeds(pass, pass.dropPrior, pass.timestep, pass.targetSize, pass.cropCoords ?? [0, 0], cache, false);
    const result = await this.run(feeds, [DIT_OUTPUTS.sample]);
    return this.sampleOf(result, this.config.outChannels * pass.latentHeight * pass.latentWidth);
  }

  /**
   * The reference-image pass (timestep 0, no glyph text, prior kept): returns the keys/values every
   * layer wrote for the reference's tokens, and the pass's own output.
   */
  async encodeReference(ref: ReferencePass): Promise<{ cache: ReferenceKvCache; sample: Float32Array }> {
    const shape: PassShape = { ...ref, glyphs: new Float32Array(0), glyphTokens: 0 };
    checkPassShape(shape, this.config);
    const feeds = this.feeds(shape, false, 0, ref.targetSize, [0, 0], this.emptyCache(), true);
    const result = await this.run(feeds, [DIT_OUTPUTS.sample, DIT_OUTPUTS.refKeys, DIT_OUTPUTS.refValues]);
    const sample = this.sampleOf(result, this.config.outChannels * ref.latentHeight * ref.latentWidth);
    const k = result[DIT_OUTPUTS.refKeys];
    const v = result[DIT_OUTPUTS.refValues];
    const c = this.config;
    const len = ref.priorTokenIds.length;
    if (!(k?.data instanceof Float32Array) || !(v?.data instanceof Float32Array) || k.dims[2] !== len || v.dims[2] !== len) {
      throw new GlimmerError('model_corrupt', `${this.modelPath} did not return the reference keys/values; compile the model again.`);
    }
    return { cache: new ReferenceKvCache(c.numLayers, c.numHeads, len, c.headDim, k.data, v.data), sample };
  }

  async release(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await s.release();
  }
}
