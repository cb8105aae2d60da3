/**
 * Reference image → VQ ids: the processor's patches run through the compiled vision.onnx
 * (native-models/vision). One image per run.
 */
import { type ProviderName, GlimmerError } from '../../contract';
import { type ImageProcessorConfig, type PatchifiedImage, type RgbImage, patchifyReference } from '../image';
import { createSession, ort, translateRuntimeError } from '../session';
import { positionGrid } from './position-grid';

export interface VisionTokens {
  /** VQ codebook ids, row-major over the grid. */
  ids: BigInt64Array;
  /** The ViT output [gh*gw, hidden]. */
  features: Float32Array;
  hidden: number;
  /** [t, gh, gw] */
  grid: [number, number, number];
}

export class VisionTokenizer {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly modelPath: string,
    readonly patchDim: number,
  ) {}

  static async load(modelPath: string, options: { provider?: ProviderName } = {}): Promise<VisionTokenizer> {
    const session = await createSession(modelPath, { provider: options.provider ?? 'cpu', module: 'vision' });
    const meta = session.inputMetadata.find((m) => m.name === 'pixel_values');
    const dims = meta && 'shape' in meta ? (meta.shape as (number | string)[]) : [];
    const patchDim = typeof dims[1] === 'number' ? dims[1] : NaN;
    return new VisionTokenizer(session, modelPath, patchDim);
  }

  /** Run the ViT + VQ on already patchified pixels. */
  async run(p: PatchifiedImage): Promise<VisionTokens> {
    const [t, gh, gw] = p.grid;
    if (t !== 1 || gh * gw !== p.numPatches) {
      throw new GlimmerError('bad_request', `Vision input grid ${p.grid.join('x')} does not match ${p.numPatches} patches.`);
    }
    if (Number.isFinite(this.patchDim) && p.patchDim !== this.patchDim) {
      throw new GlimmerError(
        'bad_request',
        `The image processor makes ${p.patchDim}-value patches but the vision model expects ${this.patchDim}; the processor config does not match the model.`,
      );
    }
    const feeds = {
      pixel_values: new ort.Tensor('float32', p.pixelValues, [p.numPatches, p.patchDim]),
      pos_grid: new ort.Tensor('float32', positionGrid(gh, gw), [1, p.numPatches, 1, 2]),
    };
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds);
    } catch (e) {
      throw translateRuntimeError(e, this.modelPath);
    }
    const features = out.features!;
    const ids = out.token_ids!;
    return {
      ids: ids.data as BigInt64Array,
      features: features.data as Float32Array,
      hidden: features.dims[1] as number,
      grid: [t, gh, gw],
    };
  }

  /** Decoded RGB image → processor (resize, normalise, patchify) → ids. */
  async tokenizeImage(image: RgbImage, processor: ImageProcessorConfig): Promise<VisionTokens & { patches: PatchifiedImage }> {
    const patches = patchifyReference(image, processor);
    return { ...(await this.run(patches)), patches };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
