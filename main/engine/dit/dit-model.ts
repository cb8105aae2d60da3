/**
 * The DiT at run time: one onnxruntime session of the graph written by native-models/dit, fed from
 * plain typed arrays. A pass is validated before the session runs. Reference images go through
 * `encodeReference` (the t=0 pass that writes their keys/values); conditional passes read the
 * resulting cache, unconditional passes leave it out. Where the provider keeps outputs in device
 * memory (WebGPU) the cache never leaves it: the reference pass's key/value outputs stay there, are
 * combined there (several references) and are fed back as they are.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DIT_INPUTS, DIT_OUTPUTS, type DitConfig, type DitModelDescription } from '../../../native-models/dit';
import { GraphBuilder, type WeightPrecision } from '../../../native-models/onnx';
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

  /** Concatenates device caches along their length axis (made on first use, on the DiT's provider). */
  private concatSession: Promise<ort.InferenceSession> | null = null;

  private constructor(
    private session: ort.InferenceSession | undefined,
    readonly manifest: DitModelDescription,
    readonly modelPath: string,
    private readonly options: DitModelOptions,
  ) {
    this.config = manifest.config;
  }

  /** Load `dit-<precision>.json` and its graph from a folder written by buildDit. */
  static async load(modelDir: string, opts: DitModelOptions = {}): Promise<DitModel> {
    const manifest = readManifest(modelDir, opts.precision ?? 'fp32');
    const modelPath = path.join(modelDir, manifest.model);
    const session = await createSession(modelPath, { ...opts, module: 'dit', deviceOutputs: [DIT_OUTPUTS.refKeys, DIT_OUTPUTS.refValues] });
    return new DitModel(session, manifest, modelPath, opts);
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
    const refFeeds = (r: ReferenceKvCache) => {
      const t = r.tensors((data, dims) => new ort.Tensor('float32', data, dims));
      return { [DIT_INPUTS.refKeys]: t.keys, [DIT_INPUTS.refValues]: t.values };
    };
    return {
      [DIT_INPUTS.hiddenStates]: new ort.Tensor('float32', p.latents, [1, c.inChannels, p.latentHeight, p.latentWidth]),
      [DIT_INPUTS.encoderHiddenStates]: new ort.Tensor('float32', p.glyphs, [1, p.glyphTokens, c.textEmbedDim]),
      [DIT_INPUTS.priorTokenId]: new ort.Tensor('int64', p.priorTokenIds, [1, n]),
      [DIT_INPUTS.priorTokenDrop]: new ort.Tensor('bool', new Uint8Array(n).fill(drop ? 1 : 0), [1, n]),
      [DIT_INPUTS.timestep]: new ort.Tensor('float32', Float32Array.of(timestep), [1]),
      [DIT_INPUTS.targetSize]: f32(size),
      [DIT_INPUTS.cropCoords]: f32(crop),
      ...refFeeds(cache),
      [DIT_INPUTS.writeRefKv]: new ort.Tensor('bool', Uint8Array.of(write ? 1 : 0), [1]),
    };
  }

  /**
   * Every output is fetched on every run: onnxruntime-node 1.30 keeps a device output of an earlier
   * run bound to the session, and a later run that leaves it out fails when its shape changes (the
   * reference pass writes [L, H, R, D], ordinary passes [L, H, 0, D]). Empty device outputs are
   * released at once.
   */
  private async run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
    const session = this.session;
    if (!session) throw new GlimmerError('internal', 'The DiT was released; load it again.');
    try {
      return await session.run(feeds);
    } catch (err) {
      throw translateRuntimeError(err, this.modelPath);
    }
  }

  private static releaseUnused(result: ort.InferenceSession.OnnxValueMapType): void {
    for (const name of [DIT_OUTPUTS.refKeys, DIT_OUTPUTS.refValues]) {
      const t = result[name] as ort.Tensor | undefined;
      if (t?.location === 'gpu-buffer') t.dispose();
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
    const result = await this.run(feeds);
    DitModel.releaseUnused(result);
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
    const result = await this.run(feeds);
    const sample = this.sampleOf(result, this.config.outChannels * ref.latentHeight * ref.latentWidth);
    const k = result[DIT_OUTPUTS.refKeys] as ort.Tensor | undefined;
    const v = result[DIT_OUTPUTS.refValues] as ort.Tensor | undefined;
    const c = this.config;
    const len = ref.priorTokenIds.length;
    if (!k || !v || k.dims[2] !== len || v.dims[2] !== len) {
      throw new GlimmerError('model_corrupt', `${this.modelPath} did not return the reference keys/values; compile the model again.`);
    }
    if (k.location === 'gpu-buffer' && v.location === 'gpu-buffer') return { cache: new ReferenceKvCache(c.numLayers, c.numHeads, len, c.headDim, k, v), sample };
    if (!(k.data instanceof Float32Array) || !(v.data instanceof Float32Array)) {
      throw new GlimmerError('model_corrupt', `${this.modelPath} returned reference keys/values of an unexpected type; compile the model again.`);
    }
    return { cache: new ReferenceKvCache(c.numLayers, c.numHeads, len, c.headDim, k.data, v.data), sample };
  }

  /**
   * Several references' caches as one, in order along the length axis: on the host, or — for caches
   * in device memory — by a Concat on the device (the parts are released; the result stays there).
   */
  async combineReferences(caches: readonly ReferenceKvCache[]): Promise<ReferenceKvCache> {
    for (const cache of caches) this.checkCache(cache);
    if (caches.length <= 1 || caches.every((x) => !x.onDevice)) return ReferenceKvCache.concat(caches);
    this.concatSession ??= createSession(concatGraph(this.config), { ...this.options, module: 'dit', deviceOutputs: ['keys', 'values'] });
    const session = await this.concatSession;
    const c = this.config;
    let acc = caches[0]!;
    for (const next of caches.slice(1)) {
      const make = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
      const a = acc.tensors(make);
      const b = next.tensors(make);
      const out = await session.run({ keys_a: a.keys, values_a: a.values, keys_b: b.keys, values_b: b.values });
      const length = acc.length + next.length;
      const k = out.keys as ort.Tensor;
      const v = out.values as ort.Tensor;
      const joined =
        k.location === 'gpu-buffer'
          ? new ReferenceKvCache(c.numLayers, c.numHeads, length, c.headDim, k, v)
          : new ReferenceKvCache(c.numLayers, c.numHeads, length, c.headDim, k.data as Float32Array, v.data as Float32Array);
      if (acc !== caches[0]) acc.dispose();
      acc = joined;
    }
    for (const part of caches) part.dispose();
    return acc;
  }

  async release(): Promise<void> {
    const s = this.session;
    const concat = this.concatSession;
    this.session = undefined;
    this.concatSession = null;
    if (s) await s.release();
    if (concat) await (await concat.catch(() => null))?.release();
  }
}

/** [L, H, Ra, D] ++ [L, H, Rb, D] along the length axis, for keys and values. */
function concatGraph(c: DitConfig): Uint8Array {
  const g = new GraphBuilder('reference_kv_concat');
  const dims = (len: string) => [c.numLayers, c.numHeads, len, c.headDim];
  for (const part of ['keys', 'values']) {
    g.input(`${part}_a`, 'float32', dims('length_a'));
    g.input(`${part}_b`, 'float32', dims('length_b'));
    g.output(g.op('Concat', [`${part}_a`, `${part}_b`], { axis: 2 }, { name: `concat_${part}` }), 'float32', dims('length'), part);
  }
  return g.encode('unused.data');
}
