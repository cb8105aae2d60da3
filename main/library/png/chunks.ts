/**
 * PNG chunk structure: split a file into chunks (checking the signature, lengths and CRCs) and put
 * chunks back together. Pixel data is never touched here.
 */
import { GlimmerError } from '../../contract';
import { crc32 } from './crc32';

/**
 * Most chunks a PNG may have. Encoders split pixel data into IDAT chunks of 8 KB or more, so the
 * largest importable file has well under this many; a file of millions of tiny chunks is refused
 * before it costs an object each.
 */
export const MAX_CHUNKS = 100_000;

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngChunk {
  type: string;
  data: Buffer;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.equals(Buffer.from(bytes.buffer, bytes.byteOffset, 8));
}

function bad(message: string): GlimmerError {
  return new GlimmerError('bad_image', message);
}

/** Every chunk of a PNG, in order. Throws bad_image for anything that is not a complete PNG. */
export function readChunks(file: Uint8Array, name = 'The image'): PngChunk[] {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (!isPng(buf)) throw bad(`${name} is not a PNG file.`);
  const chunks: PngChunk[] = [];
  let offset = 8;
  for (;;) {
    if (offset + 12 > buf.length) {
      throw bad(`${name} is truncated (the PNG ends before its last chunk). Export it again from the original.`);
    }
    if (chunks.length >= MAX_CHUNKS) {
      throw bad(`${name} has more than ${MAX_CHUNKS} PNG chunks; real images have far fewer. Export it again from the original.`);
    }
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff) throw bad(`${name} is damaged (chunk ${chunks.length} is not valid PNG).`);
    if (offset + 12 + length > buf.length) {
      throw bad(`${name} is truncated (the PNG ends inside its ${type} chunk). Export it again from the original.`);
    }
    const typeAndData = buf.subarray(offset + 4, offset + 8 + length);
    const crc = buf.readUInt32BE(offset + 8 + length);
    if (crc32(typeAndData) !== crc) throw bad(`${name} is damaged (the ${type} chunk fails its checksum).`);
    chunks.push({ type, data: buf.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR') throw bad(`${name} is damaged (it does not start with an IHDR chunk).`);
  return chunks;
}

export function encodeChunk(chunk: PngChunk): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(chunk.data.length, 0);
  head.write(chunk.type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(head.subarray(4), chunk.data), 0);
  return Buffer.concat([head, chunk.data, tail]);
}

export function writeChunks(chunks: PngChunk[]): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ...chunks.map(encodeChunk)]);
}

/** Width and height from the IHDR chunk, read without decoding anything. */
export function pngSize(chunks: PngChunk[]): { width: number; height: number } {
  const ihdr = chunks[0];
  return { width: ihdr.data.readUInt32BE(0), height: ihdr.data.readUInt32BE(4) };
}
