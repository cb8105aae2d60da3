/**
 * Reference-image preprocessing for the ViT, as GlmImageImageProcessor does it: smart-resize target
 * (half resolution, multiples of patch*merge), bicubic resampling of the uint8 image (torch's
 * antialiased kernel), rescale + normalise in float32, and patchify into
 * pixel_values [gh*gw, C*T*P*P] ordered (grid row block, grid col block, merge row, merge col, C, T, py, px).
 */
import { smartResize } from '../processor/resize';
import type { ImageProcessorConfig } from './processor-config';
import { resample, type RgbImage } from './resample';

export interface PatchifiedImage {
  /** [numPatches, C*T*P*P] float32, row-major. */
  pixelValues: Float32Array;
  numPatches: number;
  patchDim: number;
  /** [t, gh, gw] as in image_grid_thw. */
  grid: [number, number, number];
  /** The resized image the patches were cut from. */
  resized: { width: number; height: number };
}

/** The target size of the ViT input for an image of the given size (the AR's smart-resize rule). */
export function visionInputSize(width: number, height: number, cfg: ImageProcessorConfig): { width: number; height: number } {
  if (!cfg.doResize) return { width, height };
  const r = smartResize(height, width, {
    factor: cfg.patchSize * cfg.mergeSize,
    minPixels: cfg.minPixels,
    maxPixels: cfg.maxPixels,
  });
  return { width: r.width, height: r.height };
}

/** Per-channel scale/offset as the torchvision backend fuses them: (x - mean/r) / (std/r), in float32. */
function normaliser(cfg: ImageProcessorConfig): { sub: number[]; div: number[] } {
  const f = Math.fround;
  if (cfg.doNormalize) {
    const inv = cfg.doRescale ? f(1 / cfg.rescaleFactor) : 1;
    return {
      sub: cfg.imageMean.map((m) => f(f(m) * inv)),
      div: cfg.imageStd.map((s) => f(f(s) * inv)),
    };
  }
  return cfg.doRescale ? { sub: [0, 0, 0], div: [1, 1, 1].map(() => f(1 / f(cfg.rescaleFactor))) } : { sub: [0, 0, 0], div: [1, 1, 1] };
}

export function patchifyReference(image: RgbImage, cfg: ImageProcessorConfig): PatchifiedImage {
  if (image.channels !== 3) throw new RangeError('patchifyReference expects an RGB image');
  const target = visionInputSize(image.width, image.height, cfg);
  const resized = resample(image, target.width, target.height, 'torch-bicubic');
  const P = cfg.patchSize;
  const M = cfg.mergeSize;
  const T = cfg.temporalPatchSize;
  const C = 3;
  const gh = resized.height / P;
  const gw = resized.width / P;
  if (!Number.isInteger(gh) || !Number.isInteger(gw) || gh % M !== 0 || gw % M !== 0) {
    throw new RangeError(`image ${resized.width}x${resized.height} does not split into ${P}-px patches merged by ${M}`);
  }
  const { sub, div } = normaliser(cfg);
  const patchDim = C * T * P * P;
  const numPatches = gh * gw;
  const out = new Float32Array(numPatches * patchDim);
  const W = resized.width;
  let n = 0;
  for (let bh = 0; bh < gh / M; bh++) {
    for (let bw = 0; bw < gw / M; bw++) {
      for (let mh = 0; mh < M; mh++) {
        for (let mw = 0; mw < M; mw++) {
          const y0 = (bh * M + mh) * P;
          const x0 = (bw * M + mw) * P;
          let o = n * patchDim;
          for (let c = 0; c < C; c++) {
            for (let t = 0; t < T; t++) {
              for (let py = 0; py < P; py++) {
                const row = ((y0 + py) * W + x0) * C + c;
                for (let px = 0; px < P; px++) {
                  // (x - sub) then / div, each rounded to float32 like the reference's float32 ops
                  out[o++] = Math.fround(Math.fround(resized.data[row + px * C]! - sub[c]!) / div[c]!);
                }
              }
            }
          }
          n++;
        }
      }
    }
  }
  return { pixelValues: out, numPatches, patchDim, grid: [1, gh, gw], resized: { width: resized.width, height: resized.height } };
}
