/** PNG text chunks: tEXt (Latin-1), iTXt (UTF-8, optionally deflated) and zTXt (deflated Latin-1). */
import { deflateSync, inflateSync } from 'node:zlib';
import type { PngChunk } from './chunks';

export interface PngText {
  keyword: string;
  text: string;
}

const LATIN1 = /^[\u0020-\u007e\u00a0-\u00ff\n]*$/;

/** Longest text readText returns unless told otherwise (1 MB). */
export const DEFAULT_MAX_TEXT_BYTES = 1024 * 1024;

export function isLatin1(text: string): boolean {
  return LATIN1.test(text);
}

function checkKeyword(keyword: string): void {
  if (keyword.length < 1 || keyword.length > 79 || !isLatin1(keyword) || keyword.includes('\n')) {
    throw new Error(`Invalid PNG text keyword ${JSON.stringify(keyword)}`);
  }
}

export function textChunk(keyword: string, text: string): PngChunk {
  checkKeyword(keyword);
  if (!isLatin1(text)) throw new Error('tEXt holds Latin-1 only; use an iTXt chunk');
  return { type: 'tEXt', data: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]) };
}

export function itxtChunk(keyword: string, text: string, compress = false): PngChunk {
  checkKeyword(keyword);
  const body = compress ? deflateSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
  return {
    type: 'iTXt',
    data: Buffer.concat([
      Buffer.from(keyword, 'latin1'),
      // NUL, compression flag, compression method, empty language tag NUL, empty translated keyword NUL
      Buffer.from([0, compress ? 1 : 0, 0, 0, 0]),
      body,
    ]),
  };
}

/** The keyword of a tEXt, zTXt or iTXt chunk, read without touching its text; undefined when malformed. */
export function chunkKeyword(chunk: PngChunk): string | undefined {
  if (!isTextChunk(chunk)) return undefined;
  const nul = chunk.data.indexOf(0);
  if (nul < 1 || nul > 79) return undefined;
  return chunk.data.toString('latin1', 0, nul);
}

/**
 * The keyword/text of a tEXt, zTXt or iTXt chunk; undefined for other chunks, unreadable ones, and
 * ones whose text is longer than `maxBytes` (compressed text is inflated with that output limit, so
 * a small chunk can never become a huge allocation).
 */
export function readText(chunk: PngChunk, maxBytes = DEFAULT_MAX_TEXT_BYTES): PngText | undefined {
  const keyword = chunkKeyword(chunk);
  if (keyword === undefined) return undefined;
  const data = chunk.data;
  const nul = keyword.length;
  const inflate = (body: Buffer): Buffer => inflateSync(body, { maxOutputLength: maxBytes });
  try {
    if (chunk.type === 'tEXt') {
      return data.length - nul - 1 > maxBytes ? undefined : { keyword, text: data.toString('latin1', nul + 1) };
    }
    if (chunk.type === 'zTXt') return { keyword, text: inflate(data.subarray(nul + 2)).toString('latin1') };
    if (chunk.type === 'iTXt') {
      const compressed = data[nul + 1] === 1;
      const langEnd = data.indexOf(0, nul + 3);
      if (langEnd < 0) return undefined;
      const transEnd = data.indexOf(0, langEnd + 1);
      if (transEnd < 0) return undefined;
      const body = data.subarray(transEnd + 1);
      if (!compressed && body.length > maxBytes) return undefined;
      return { keyword, text: (compressed ? inflate(body) : body).toString('utf8') };
    }
  } catch {
    // damaged, or inflating past maxBytes (ERR_BUFFER_TOO_LARGE)
    return undefined;
  }
  return undefined;
}

export function isTextChunk(chunk: PngChunk): boolean {
  return chunk.type === 'tEXt' || chunk.type === 'zTXt' || chunk.type === 'iTXt';
}
