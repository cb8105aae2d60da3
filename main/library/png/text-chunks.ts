/** PNG text chunks: tEXt (Latin-1), iTXt (UTF-8, optionally deflated) and zTXt (deflated Latin-1). */
import { deflateSync, inflateSync } from 'node:zlib';
import type { PngChunk } from './chunks';

export interface PngText {
  keyword: string;
  text: string;
}

const LATIN1 = /^[\u0020-\u007e\u00a0-\u00ff\n]*$/;

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

/** The keyword/text of a tEXt, zTXt or iTXt chunk; undefined for other chunks or unreadable ones. */
export function readText(chunk: PngChunk): PngText | undefined {
  const data = chunk.data;
  const nul = data.indexOf(0);
  if (nul < 1) return undefined;
  const keyword = data.toString('latin1', 0, nul);
  try {
    if (chunk.type === 'tEXt') return { keyword, text: data.toString('latin1', nul + 1) };
    if (chunk.type === 'zTXt') return { keyword, text: inflateSync(data.subarray(nul + 2)).toString('latin1') };
    if (chunk.type === 'iTXt') {
      const compressed = data[nul + 1] === 1;
      const langEnd = data.indexOf(0, nul + 3);
      if (langEnd < 0) return undefined;
      const transEnd = data.indexOf(0, langEnd + 1);
      if (transEnd < 0) return undefined;
      const body = data.subarray(transEnd + 1);
      return { keyword, text: (compressed ? inflateSync(body) : body).toString('utf8') };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function isTextChunk(chunk: PngChunk): boolean {
  return chunk.type === 'tEXt' || chunk.type === 'zTXt' || chunk.type === 'iTXt';
}
