/**
 * The text reader: an image → the lines of text in it, each with its box and a confidence, with
 * PaddleOCR's PP-OCRv4 detector and recognizer (and optionally the 0°/180° line classifier) on
 * onnxruntime, on the provider the engine uses. Sessions come from the engine's createSession.
 *
 * Work is bounded whatever the image: detection sees at most `maxSide` pixels a side (960), crops are
 * sampled at most twice the recognizer's line height, and at most `maxLines` boxes (the largest) are
 * recognised; `truncated` says when boxes were left out.
 */
import type { ProviderName } from '../../contract';
import { GlimmerError } from '../../contract';
import type { DecodeLimits, RgbImage } from '../image';
import { createSession, ort, translateRuntimeError } from '../session';
import { cropQuad, rotate180 } from './crop';
import { boxesFromProbability, DETECTOR_DEFAULTS, detectorInput, type DetectedBox, type DetectorOptions } from './detect';
import type { Quad } from './geometry';
import { checkOcrImage, decodeForOcr, type OcrImage } from './image-input';
import { defaultOcrModelFiles, readCharset, type OcrModelFiles } from './models';
import { CLS_WIDTH, ctcDecode, LINE_HEIGHT, lineBatch, lineWidth, REC_MIN_WIDTH, upsideDown } from './recognize';

export interface OcrLine {
  /** The text as read (not normalised). */
  text: string;
  /** Mean per-character probability, 0..1. */
  confidence: number;
  /** Corners TL, TR, BR, BL in the image's pixels (rounded), clockwise; the line runs TL → TR. */
  box: Quad;
}

export interface OcrResult {
  /** Lines in reading order (top to bottom, then left to right). */
  lines: OcrLine[];
  width: number;
  height: number;
  /** Boxes the detector found (before the maxLines cap and the confidence filter). */
  detected: number;
  /** True when boxes were left out by the caps (maxLines, the detector's candidate limit). */
  truncated: boolean;
  /** Wall time of detection (pre + graph + post) and of recognition (crops + graphs + decoding). */
  timings: { detectMs: number; recognizeMs: number };
}

export interface OcrReaderOptions {
  provider?: ProviderName;
  /** Model files (default: the bundled PP-OCRv4 files). */
  files?: OcrModelFiles;
  /** Also load the 0°/180° line classifier and turn lines it finds upside down (default false). */
  angleClassifier?: boolean;
  intraOpThreads?: number;
  /** Sessions without onnxruntime's memory arena and memory pattern (the engine's "sequential" memory profile). */
  lowMemory?: boolean;
}

export interface OcrReadOptions {
  /** Most boxes recognised (the largest are kept; default 100). */
  maxLines?: number;
  /** Lines read with a lower confidence are dropped (PaddleOCR's drop_score, default 0.5). */
  minConfidence?: number;
  detector?: Partial<DetectorOptions>;
  /** Lines per recognizer run (PaddleOCR's rec_batch_num, default 6). */
  batchSize?: number;
  /** Decode limits for readEncoded and the size check (default: the engine's decode limits). */
  limits?: DecodeLimits;
  signal?: AbortSignal;
}

const MAX_LINE_WIDTH = 3200;
const CROP_MAX_HEIGHT = 2 * LINE_HEIGHT;
const ANGLE_THRESHOLD = 0.9;

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new GlimmerError('cancelled', 'The text check was cancelled.');
}

function quadArea(q: Quad): number {
  let a = 0;
  for (let i = 0; i < 4; i++) {
    const p = q[i]!;
    const n = q[(i + 1) % 4]!;
    a += p[0] * n[1] - n[0] * p[1];
  }
  return Math.abs(a) / 2;
}

/** Reading order: by top edge, then left to right among boxes whose tops are within half a line of each other. */
export function readingOrder<T extends { box: Quad }>(items: readonly T[]): T[] {
  const top = (q: Quad) => Math.min(q[0][1], q[1][1]);
  const left = (q: Quad) => Math.min(q[0][0], q[3][0]);
  const lineHeight = (q: Quad) => Math.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1]);
  const sorted = [...items].sort((a, b) => top(a.box) - top(b.box) || left(a.box) - left(b.box));
  // PaddleOCR's sorted_boxes: neighbours on about the same row are put left to right (its 10-pixel tolerance, scaled to the line here)
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const a = sorted[j]!;
      const b = sorted[j + 1]!;
      const tol = Math.max(10, 0.5 * Math.min(lineHeight(a.box), lineHeight(b.box)));
      if (Math.abs(top(b.box) - top(a.box)) < tol && left(b.box) < left(a.box)) {
        sorted[j] = b;
        sorted[j + 1] = a;
      } else break;
    }
  }
  return sorted;
}

/** The text-check models come with the app: a missing or damaged one is repaired by reinstalling, not by compiling. */
function ocrModelError(err: unknown, file: string): unknown {
  if (err instanceof GlimmerError && (err.code === 'model_corrupt' || err.code === 'model_missing')) {
    return new GlimmerError(err.code, `The text-check model file ${file} is missing or damaged. Run \`npm install\` again, or reinstall the app.`, { file });
  }
  return err;
}

export class OcrReader {
  private constructor(
    private sessions: { det: ort.InferenceSession; rec: ort.InferenceSession; cls: ort.InferenceSession | null } | null,
    private readonly files: OcrModelFiles,
    private readonly charset: string[],
    readonly provider: ProviderName,
  ) {}

  /** Open the detector and recognizer (and the angle classifier when asked) on the provider. */
  static async load(options: OcrReaderOptions = {}): Promise<OcrReader> {
    const provider = options.provider ?? 'cpu';
    const files = options.files ?? defaultOcrModelFiles();
    if (options.angleClassifier && !files.angleClassifier) {
      throw new GlimmerError('bad_request', 'The angle classifier was asked for but no classifier model file was given.');
    }
    const charset = readCharset(files.dictionary);
    const opts = { provider, intraOpThreads: options.intraOpThreads, lowMemory: options.lowMemory };
    const open = (file: string) => createSession(file, opts).catch((err: unknown) => Promise.reject(ocrModelError(err, file)));
    const det = await open(files.detector);
    let rec: ort.InferenceSession | null = null;
    try {
      rec = await open(files.recognizer);
      const cls = options.angleClassifier ? await open(files.angleClassifier!) : null;
      return new OcrReader({ det, rec, cls }, files, charset, provider);
    } catch (err) {
      await det.release();
      await rec?.release();
      throw err;
    }
  }

  private live() {
    if (!this.sessions) throw new GlimmerError('internal', 'The text reader was released; load it again.');
    return this.sessions;
  }

  /** Decode PNG/JPEG/WebP bytes with the engine's decoder, then read them. */
  async readEncoded(bytes: Uint8Array, options: OcrReadOptions & { label?: string } = {}): Promise<OcrResult> {
    const image = await decodeForOcr(bytes, options.label, options.limits);
    return this.read(image, options);
  }

  /** Read the text of an image. */
  async read(input: OcrImage, options: OcrReadOptions = {}): Promise<OcrResult> {
    const image = checkOcrImage(input, options.limits);
    const { det } = this.live();
    const detOpts: DetectorOptions = { ...DETECTOR_DEFAULTS, ...options.detector };
    const maxLines = options.maxLines ?? 100;
    const t0 = performance.now();
    checkAbort(options.signal);
    const x = detectorInput(image, detOpts.maxSide);
    let map: ort.Tensor;
    try {
      const out = await det.run({ [det.inputNames[0]!]: new ort.Tensor('float32', x.data, [1, 3, x.height, x.width]) });
      map = out[det.outputNames[0]!]!;
    } catch (err) {
      throw translateRuntimeError(err, this.files.detector);
    }
    const dims = map.dims;
    if (dims.length !== 4 || dims[2] !== x.height || dims[3] !== x.width || !(map.data instanceof Float32Array)) {
      throw new GlimmerError('model_corrupt', `The text detector ${this.files.detector} returned a [${dims.join(', ')}] map for a ${x.width}x${x.height} input.`);
    }
    const found = boxesFromProbability(map.data, x.width, x.height, image.width, image.height, detOpts);
    let boxes: DetectedBox[] = found.boxes;
    let truncated = found.truncated;
    if (boxes.length > maxLines) {
      boxes = [...boxes].sort((a, b) => quadArea(b.quad) - quadArea(a.quad)).slice(0, maxLines);
      truncated = true;
    }
    const t1 = performance.now();
    const lines = await this.recognize(image, boxes, options);
    const t2 = performance.now();
    return {
      lines: readingOrder(lines),
      width: image.width,
      height: image.height,
      detected: found.boxes.length,
      truncated,
      timings: { detectMs: t1 - t0, recognizeMs: t2 - t1 },
    };
  }

  private async recognize(image: RgbImage, boxes: readonly DetectedBox[], options: OcrReadOptions): Promise<OcrLine[]> {
    const { rec, cls } = this.live();
    const batchSize = Math.max(1, options.batchSize ?? 6);
    const minConfidence = options.minConfidence ?? 0.5;
    const items: { crop: RgbImage; box: Quad }[] = [];
    for (const b of boxes) {
      const crop = cropQuad(image, b.quad, { maxHeight: CROP_MAX_HEIGHT });
      if (crop) items.push({ crop, box: b.quad.map(([px, py]) => [Math.round(px), Math.round(py)]) as unknown as Quad });
    }
    // similar widths in one batch, as PaddleOCR sorts by aspect ratio (less padding)
    const order = items.map((_, i) => i).sort((a, b) => items[a]!.crop.width / items[a]!.crop.height - items[b]!.crop.width / items[b]!.crop.height);
    if (cls) {
      for (let s = 0; s < order.length; s += batchSize) {
        checkAbort(options.signal);
        const idx = order.slice(s, s + batchSize);
        const batch = lineBatch(idx.map((i) => items[i]!.crop), CLS_WIDTH);
        let probs: ort.Tensor;
        try {
          const out = await cls.run({ [cls.inputNames[0]!]: new ort.Tensor('float32', batch.data, batch.dims) });
          probs = out[cls.outputNames[0]!]!;
        } catch (err) {
          throw translateRuntimeError(err, this.files.angleClassifier ?? 'angle classifier');
        }
        upsideDown(probs.data as Float32Array, idx.length, ANGLE_THRESHOLD).forEach((flip, k) => {
          if (flip) items[idx[k]!]!.crop = rotate180(items[idx[k]!]!.crop);
        });
      }
    }
    const lines: OcrLine[] = [];
    for (let s = 0; s < order.length; s += batchSize) {
      checkAbort(options.signal);
      const idx = order.slice(s, s + batchSize);
      const crops = idx.map((i) => items[i]!.crop);
      const width = Math.max(REC_MIN_WIDTH, ...crops.map((c) => lineWidth(c, MAX_LINE_WIDTH)));
      const batch = lineBatch(crops, width);
      let probs: ort.Tensor;
      try {
        const out = await rec.run({ [rec.inputNames[0]!]: new ort.Tensor('float32', batch.data, batch.dims) });
        probs = out[rec.outputNames[0]!]!;
      } catch (err) {
        throw translateRuntimeError(err, this.files.recognizer);
      }
      const [n, steps, classes] = probs.dims as number[];
      if (probs.dims.length !== 3 || n !== idx.length || classes !== this.charset.length + 2 || !(probs.data instanceof Float32Array)) {
        throw new GlimmerError(
          'model_corrupt',
          `The text recognizer ${this.files.recognizer} returned [${probs.dims.join(', ')}]; its dictionary has ${this.charset.length} characters (+ blank + space expected).`,
        );
      }
      ctcDecode(probs.data, n!, steps!, classes!, this.charset).forEach((decoded, k) => {
        const text = decoded.text.trim();
        if (text && decoded.confidence >= minConfidence) lines.push({ text, confidence: decoded.confidence, box: items[idx[k]!]!.box });
      });
    }
    return lines;
  }

  async release(): Promise<void> {
    const s = this.sessions;
    this.sessions = null;
    if (!s) return;
    await s.det.release();
    await s.rec.release();
    await s.cls?.release();
  }
}
