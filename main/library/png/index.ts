/** PNG chunks and recipe metadata (no pixel decoding here). */
export { isPng, readChunks, writeChunks, pngSize, PNG_SIGNATURE, type PngChunk } from './chunks';
export { readText, textChunk, itxtChunk, type PngText } from './text-chunks';
export { writePngMetadata, readPngMetadata, PARAMETERS_KEYWORD, type PngMetadata } from './metadata';
export { parametersSummary, parseParametersSummary, type ParsedParameters } from './summary';
export { crc32 } from './crc32';
export { previewDataUrl } from './preview';
