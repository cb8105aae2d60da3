/**
 * The VAE at run time (onnxruntime): decode DiT latents to pixels, encode a reference image to
 * normalised latents. Graphs from native-models/vae (fp32); statistics from vae/config.json.
 */
import { type ProviderName, GlimmerError } from '../../contract';
import { pixelsFromVaeOutput, vaeInputFromImage, type DecodedPixels, type RgbImage } from '../image';
import { createSession, ort, translateRuntimeError } from '../session';
import { checkLatentShape, denormalizeLatents, normalizeLatents, type LatentShape, type LatentStats } from './latents';
import { runTiled, type TileSpec } from './tiles';

/**
 * Tiles when the VAE works in pieces: 64 latent cells (512 pixels) overlapping by 16 (128 pixels), as
 * diffusers' tiled AutoencoderKL (512-pixel tiles, a quarter overlap). A 512-pixel tile keeps the
 * decoder's widest activation at a quarter of a 1024² image's.
 */
export const DEFAULT_DECODE_TILES: TileSpec = { tile: 64, overlap: 16 };

export interface VaeModelFiles {
  decoder?: string;
  encoder?: string;
}

export interface VaeRuntimeConfig extends LatentStats {
  /** Spatial factor between pixels and latents (8). */
  scaleFactor: number;
}

export interface EncodedImage {
  /** Normalised latents (z - mean) / std, [1, C, h, w]. */
  latents: Float32Array;
  /** The posterior mode before normalisation (what vae.encode(...).latent_dist.mode() gives). */
  mode: Float32Array;
  shape: LatentShape;
  /** The pixel size the image was given to the encoder at. */
  width: number;
  height: number;
}

export class Vae {
  private constructor(
    private readonly files: VaeModelFiles,
    private readonly cfg: VaeRuntimeConfig,
    private readonly decoder: ort.InferenceSession | null,
    private readonly encoder: ort.InferenceSession | null,
  ) {}

  static async load(files: VaeModelFiles, cfg: VaeRuntimeConfig, options: { provider?: ProviderName } = {}): Promise<Vae> {
    const provider = options.provider ?? 'cpu';
    const decoder = files.decoder ? await createSession(files.decoder, { provider, module: 'vaeDecoder' }) : null;
    const encoder = files.encoder ? await createSession(files.encoder, { provider, module: 'vaeEncoder' }) : null;
    return new Vae(files, cfg, decoder, encoder);
  }

  get config(): VaeRuntimeConfig {
    return this.cfg;
  }

  /** Raw decoder: de-normalised latents [B, C, h, w] → sample [B, 3, 8h, 8w] in ~[-1, 1]. */
  async decodeRaw(zVae: Float32Array, shape: readonly number[]): Promise<{ data: Float32Array; dims: number[] }> {
    const s = checkLatentShape(zVae, shape, this.cfg.channels);
    if (!this.decoder) throw new GlimmerError('internal', 'The VAE decoder was not loaded.');
    try {
      const out = await this.decoder.run({ latents: new ort.Tensor('float32', zVae, s) });
      const t = out.sample!;
      return { data: t.data as Float32Array, dims: t.dims as number[] };
    } catch (e) {
      throw translateRuntimeError(e, this.files.decoder ?? 'vae decoder');
    }
  }

  /**
   * DiT latents (normalised, batch 1) → RGB pixels: z*std+mean → decoder → clamp(x/2+0.5) → uint8.
   * With `tiles`, the decoder runs on overlapping latent tiles blended together (tiles.ts), so its
   * memory follows the tile instead of the image.
   */
  async decode(zModel: Float32Array, shape: readonly number[], tiles?: TileSpec, signal?: AbortSignal): Promise<DecodedPixels> {
    const s = checkLatentShape(zModel, shape, this.cfg.channels);
    if (s[0] !== 1) throw new GlimmerError('bad_request', `decode takes one image at a time; got a batch of ${s[0]}.`);
    const z = denormalizeLatents(zModel, s, this.cfg);
    const [, C, h, w] = s;
    if (tiles && (h > tiles.tile || w > tiles.tile)) {
      const f = this.cfg.scaleFactor;
      const out = await runTiled(z, h, w, tiles, { inChannels: C, outChannels: 3, scale: f, run: async (t, th, tw) => (await this.decodeRaw(t, [1, C, th, tw])).data }, signal);
      return pixelsFromVaeOutput(out, w * f, h * f);
    }
    const raw = await this.decodeRaw(z, s);
    return pixelsFromVaeOutput(raw.data, raw.dims[3]!, raw.dims[2]!);
  }

  /** Raw encoder: sample [B, 3, H, W] in [-1, 1] → posterior mode [B, C, H/8, W/8]. */
  async encodeRaw(sample: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: number[] }> {
    const n = dims.reduce((a, b) => a * b, 1);
    if (dims.length !== 4 || dims[1] !== 3 || n !== sample.length || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new GlimmerError('bad_request', `The VAE encoder takes [batch, 3, height, width]; got [${dims.join(', ')}] with ${sample.length} values.`);
    }
    if (dims[2]! % this.cfg.scaleFactor !== 0 || dims[3]! % this.cfg.scaleFactor !== 0) {
      throw new GlimmerError('bad_request', `Image size ${dims[3]}x${dims[2]} is not a multiple of ${this.cfg.scaleFactor}.`);
    }
    if (!this.encoder) throw new GlimmerError('internal', 'The VAE encoder was not loaded.');
    try {
      const out = await this.encoder.run({ sample: new ort.Tensor('float32', sample, [...dims]) });
      const t = out.latent_mode!;
      return { data: t.data as Float32Array, dims: t.dims as number[] };
    } catch (e) {
      throw translateRuntimeError(e, this.files.encoder ?? 'vae encoder');
    }
  }

  /**
   * A reference image → normalised latents, as the pipeline prepares the i2i KV-cache pass: sides
   * floored to a multiple of `multipleOf` (vae factor * DiT patch size) with Lanczos, [-1, 1], encode,
   * mode, (z - mean) / std.
   */
  async encodeImage(image: RgbImage, multipleOf: number, tiles?: TileSpec, signal?: AbortSignal): Promise<EncodedImage> {
    if (image.width < multipleOf || image.height < multipleOf) {
      throw new GlimmerError('bad_image', `The reference image is ${image.width}x${image.height}; both sides must be at least ${multipleOf} pixels.`);
    }
    const input = vaeInputFromImage(image, multipleOf);
    const f = this.cfg.scaleFactor;
    const C = this.cfg.channels;
    let raw: { data: Float32Array; dims: number[] };
    if (tiles && (input.height > tiles.tile * f || input.width > tiles.tile * f)) {
      // the same tiles as decoding, in pixels: tile·8 pixels overlapping by overlap·8
      const px = { tile: tiles.tile * f, overlap: tiles.overlap * f };
      const data = await runTiled(input.data, input.height, input.width, px, { inChannels: 3, outChannels: C, scale: 1 / f, run: async (t, th, tw) => (await this.encodeRaw(t, [1, 3, th, tw])).data }, signal);
      raw = { data, dims: [1, C, input.height / f, input.width / f] };
    } else {
      raw = await this.encodeRaw(input.data, [1, 3, input.height, input.width]);
    }
    const shape = raw.dims as LatentShape;
    return { latents: normalizeLatents(raw.data, shape, this.cfg), mode: raw.data, shape, width: input.width, height: input.height };
  }

  async release(): Promise<void> {
    await this.decoder?.release();
    await this.encoder?.release();
  }
}

/** The runtime settings from a parsed vae/config.json (native-models/vae readVaeConfig). */
export function vaeRuntimeConfig(c: {
  latentChannels: number;
  latentsMean: number[] | null;
  latentsStd: number[] | null;
  scaleFactor: number;
}): VaeRuntimeConfig {
  return { channels: c.latentChannels, mean: c.latentsMean, std: c.latentsStd, scaleFactor: c.scaleFactor };
}
