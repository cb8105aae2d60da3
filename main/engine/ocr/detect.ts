/**
 * PP-OCRv4 text detection (DB, "Differentiable Binarization", Liao et al. 2020) around the ONNX graph:
 *
 *  pre:  the image is scaled so that its longer side is at most `maxSide` (never enlarged), each side
 *        rounded to a multiple of 32 (at least 32), resampled (bicubic, antialiased), and laid out as
 *        float32 NCHW in B, G, R order with (v / 255 - mean) / std, mean (0.485, 0.456, 0.406) and
 *        std (0.229, 0.224, 0.225) per plane in that order. That is PaddleOCR's DetResizeForTest +
 *        NormalizeImage applied to an OpenCV (BGR) image, which is what the weights were trained on.
 *  graph: x [1, 3, H, W] → text probability map [1, 1, H, W].
 *  post: (PaddleOCR's DBPostProcess, score mode "fast") map > `threshold` → connected regions →
 *        minimum-area rectangle of each; dropped when its short side is under `minSize` or its mean
 *        probability inside the rectangle is under `boxThreshold`; grown by DB's unclip
 *        (d = area * unclipRatio / perimeter on each side); dropped when its short side is then under
 *        `minSize + 2`; corners scaled back to the image's pixels.
 */
import { resample, type RgbImage } from '../image';
import { findRegions } from './components';
import { minAreaRect, pointInRect, rectBounds, rectCorners, scaleQuad, unclipRect, type Quad } from './geometry';

export interface DetectorOptions {
  /** Longest side the detector sees; larger images are scaled down (PaddleOCR's det_limit_side_len, 960). */
  maxSide: number;
  /** Probability above which a pixel is text (det_db_thresh 0.3). */
  threshold: number;
  /** Mean probability a box needs to be kept (det_db_box_thresh 0.6). */
  boxThreshold: number;
  /** How far a box is grown back out (det_db_unclip_ratio 1.5). */
  unclipRatio: number;
  /** Most regions examined (max_candidates 1000). */
  maxCandidates: number;
  /** Shortest box side kept, in detector pixels (3). */
  minSize: number;
}

export const DETECTOR_DEFAULTS: DetectorOptions = {
  maxSide: 960,
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  maxCandidates: 1000,
  minSize: 3,
};

const MEAN_BGR = [0.485, 0.456, 0.406] as const;
const STD_BGR = [0.229, 0.224, 0.225] as const;

export interface DetectorInput {
  /** [1, 3, height, width] */
  data: Float32Array;
  width: number;
  height: number;
}

/** The detector's input size for an image: longer side at most maxSide, both sides multiples of 32. */
export function detectorSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const ratio = Math.max(width, height) > maxSide ? maxSide / Math.max(width, height) : 1;
  const round32 = (v: number) => Math.max(32, Math.round((v * ratio) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

/** Channel `c` (0 = R, 1 = G, 2 = B) of pixel `i` of a grey, RGB or RGBA image. */
export function channelAt(img: RgbImage, i: number, c: number): number {
  return img.channels === 1 ? img.data[i]! : img.data[i * img.channels + c]!;
}

export function detectorInput(image: RgbImage, maxSide: number): DetectorInput {
  const size = detectorSize(image.width, image.height, maxSide);
  const img = size.width === image.width && size.height === image.height ? image : resample(image, size.width, size.height, 'pil-bicubic');
  const plane = size.width * size.height;
  const data = new Float32Array(3 * plane);
  for (let p = 0; p < 3; p++) {
    const rgbChannel = 2 - p; // plane 0 is blue
    const scale = 1 / 255 / STD_BGR[p]!;
    const shift = MEAN_BGR[p]! / STD_BGR[p]!;
    const out = data.subarray(p * plane, (p + 1) * plane);
    for (let i = 0; i < plane; i++) out[i] = channelAt(img, i, rgbChannel) * scale - shift;
  }
  return { data, width: size.width, height: size.height };
}

export interface DetectedBox {
  /** Corners TL, TR, BR, BL in the original image's pixels. */
  quad: Quad;
  /** Mean text probability inside the box before it was grown. */
  score: number;
}

/** Mean of the map inside a rectangle (every pixel centre inside it). */
function meanInside(prob: Float32Array, width: number, height: number, rect: Parameters<typeof pointInRect>[0]): number {
  const b = rectBounds(rect);
  const x0 = Math.max(0, Math.floor(b.x0));
  const x1 = Math.min(width - 1, Math.ceil(b.x1));
  const y0 = Math.max(0, Math.floor(b.y0));
  const y1 = Math.min(height - 1, Math.ceil(b.y1));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!pointInRect(rect, x, y)) continue;
      sum += prob[y * width + x]!;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/**
 * Text boxes from the probability map (map size width x height) in the pixels of an image of
 * imageWidth x imageHeight. `truncated` is set when more regions than maxCandidates were found.
 */
export function boxesFromProbability(
  prob: Float32Array,
  width: number,
  height: number,
  imageWidth: number,
  imageHeight: number,
  options: DetectorOptions = DETECTOR_DEFAULTS,
): { boxes: DetectedBox[]; truncated: boolean } {
  if (prob.length !== width * height) throw new RangeError(`probability map has ${prob.length} values, expected ${width}x${height}`);
  const mask = new Uint8Array(prob.length);
  for (let i = 0; i < prob.length; i++) mask[i] = prob[i]! > options.threshold ? 1 : 0;
  const { regions, truncated } = findRegions(mask, width, height, options.maxCandidates);
  const boxes: DetectedBox[] = [];
  for (const region of regions) {
    const rect = minAreaRect(region.outline);
    if (Math.min(rect.width, rect.height) < options.minSize) continue;
    const score = meanInside(prob, width, height, rect);
    if (score < options.boxThreshold) continue;
    const grown = unclipRect(rect, options.unclipRatio);
    if (Math.min(grown.width, grown.height) < options.minSize + 2) continue;
    const quad = scaleQuad(rectCorners(grown), imageWidth / width, imageHeight / height, imageWidth, imageHeight);
    boxes.push({ quad, score });
  }
  return { boxes, truncated };
}
