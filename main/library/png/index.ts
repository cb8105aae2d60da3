/** PNG chunks and recipe metadata (no pixel decoding here). */
export { isPng, readChunks, writeChunks, pngSize, PNG_SIGNATURE, type PngChunk } from './chunks';
export { readText, chunkKeyword, textChunk, itxtChunk, type PngText } from './text-chunks';
export { writePngMetadata, readPngMetadata, PARAMETERS_KEYWORD, MAX_TEXT_CHUNKS, MAX_RECIPE_BYTES, MAX_PARAMETERS_BYTES, type PngMetadata } from './metadata';
export { parametersSummary, parseParametersSummary, MAX_PARAMETERS_LINE, type ParsedParameters } from './summary';
export { crc32 } from './crc32';
export { previewDataUrl } from './preview';
