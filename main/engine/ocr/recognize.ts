/**
 * PP-OCRv4 text-line recognition (SVTR-LCNet with a CTC head) and PP-OCR's 0°/180° line classifier
 * around their ONNX graphs, as PaddleOCR's predict_rec / predict_cls prepare and read them:
 *
 *  lines in: each straightened crop is scaled to the graph's height (48) keeping its aspect ratio
 *        (width ceil(48 w / h), at most the batch width; bicubic, antialiased), laid out B, G, R as
 *        (v / 255 - 0.5) / 0.5, and padded on the right with 0 up to the batch width. A recognition
 *        batch is as wide as its widest line and at least 320 (rec_image_shape 3,48,320); the
 *        classifier's input is always 192 wide (cls_image_shape 3,48,192).
 *  recognizer out: per time step, class probabilities [n, T, C]; class 0 is the CTC blank, 1..C-2 the
 *        dictionary's characters in file order, C-1 a space (use_space_char). Greedy CTC decoding:
 *        the best class per step, repeats merged, blanks dropped; confidence = mean probability of
 *        the kept steps.
 *  classifier out: [n, 2] probabilities of "0°" and "180°".
 */
import { resample, type RgbImage } from '../image';

export const LINE_HEIGHT = 48;
export const REC_MIN_WIDTH = 320;
export const CLS_WIDTH = 192;

export interface LineBatch {
  /** [n, 3, LINE_HEIGHT, width] */
  data: Float32Array;
  dims: [number, 3, number, number];
}

/** Width a crop gets at the graph's height (before padding), at most maxWidth. */
export function lineWidth(crop: RgbImage, maxWidth: number): number {
  return Math.max(1, Math.min(maxWidth, Math.ceil((LINE_HEIGHT * crop.width) / crop.height)));
}

/** Lay out crops as one batch `width` wide (each scaled to LINE_HEIGHT, at most `width` wide, right-padded with 0). */
export function lineBatch(crops: readonly RgbImage[], width: number): LineBatch {
  const H = LINE_HEIGHT;
  const plane = H * width;
  const data = new Float32Array(crops.length * 3 * plane);
  crops.forEach((crop, n) => {
    const w = lineWidth(crop, width);
    const img = crop.width === w && crop.height === H ? crop : resample(crop, w, H, 'pil-bicubic');
    const base = n * 3 * plane;
    for (let p = 0; p < 3; p++) {
      const c = 2 - p; // B, G, R planes
      for (let y = 0; y < H; y++) {
        const row = base + p * plane + y * width;
        for (let x = 0; x < w; x++) data[row + x] = img.data[(y * w + x) * 3 + c]! / 127.5 - 1;
      }
    }
  });
  return { data, dims: [crops.length, 3, H, width] };
}

export interface DecodedLine {
  text: string;
  confidence: number;
}

/**
 * Greedy CTC decoding of [n, steps, classes] probabilities over `charset` (the dictionary's characters;
 * class i >= 1 is charset[i - 1], the last class a space).
 */
export function ctcDecode(probs: Float32Array, n: number, steps: number, classes: number, charset: readonly string[]): DecodedLine[] {
  if (probs.length !== n * steps * classes) throw new RangeError(`recognizer output has ${probs.length} values, expected ${n}x${steps}x${classes}`);
  if (classes !== charset.length + 2) throw new RangeError(`recognizer has ${classes} classes; the dictionary gives ${charset.length} characters + blank + space`);
  const out: DecodedLine[] = [];
  for (let b = 0; b < n; b++) {
    let text = '';
    let confSum = 0;
    let kept = 0;
    let prev = -1;
    for (let t = 0; t < steps; t++) {
      const row = (b * steps + t) * classes;
      let best = 0;
      let bestP = probs[row]!;
      for (let k = 1; k < classes; k++) {
        const p = probs[row + k]!;
        if (p > bestP) {
          bestP = p;
          best = k;
        }
      }
      if (best !== 0 && best !== prev) {
        text += best === classes - 1 ? ' ' : charset[best - 1]!;
        confSum += bestP;
        kept++;
      }
      prev = best;
    }
    out.push({ text, confidence: kept > 0 ? confSum / kept : 0 });
  }
  return out;
}

/** Which lines the classifier says are upside down (probability of "180°" over `threshold`). */
export function upsideDown(probs: Float32Array, n: number, threshold: number): boolean[] {
  if (probs.length !== n * 2) throw new RangeError(`angle classifier output has ${probs.length} values, expected ${n}x2`);
  return Array.from({ length: n }, (_, i) => probs[i * 2 + 1]! > probs[i * 2]! && probs[i * 2 + 1]! > threshold);
}
