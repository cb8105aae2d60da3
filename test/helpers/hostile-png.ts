/**
 * Hostile PNG files, as a careless tool or an attacker could make them: a tiny valid image whose
 * text chunks are built to make a parser slow (long runs of spaces in the A1111 `parameters` text),
 * huge when inflated (zTXt/iTXt bombs) or numerous (a flood of compressed chunks). All are
 * well-formed PNG (lengths and CRCs right), so they pass the structural checks and reach the parsers.
 */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { png } from '../../main/library';

async function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
}

function withChunks(file: Buffer, added: png.PngChunk[]): Buffer {
  const chunks = png.readChunks(file);
  return png.writeChunks([chunks[0]!, ...added, ...chunks.slice(1)]);
}

function ztxt(keyword: string, compressed: Buffer): png.PngChunk {
  return { type: 'zTXt', data: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0]), compressed]) };
}

function itxtCompressed(keyword: string, compressed: Buffer): png.PngChunk {
  return { type: 'iTXt', data: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 1, 0, 0, 0]), compressed]) };
}

export interface HostileFile {
  name: string;
  bytes: Buffer;
  /** What it would cost a naive reader. */
  what: string;
}

export async function hostilePngs(): Promise<HostileFile[]> {
  const base = await tinyPng();
  // 64 MB of zeros deflates to about 64 KB
  const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  const small = deflateSync(Buffer.alloc(1024 * 1024), { level: 9 });
  return [
    {
      name: 'a1111-spaces.png',
      bytes: withChunks(base, [png.textChunk('parameters', `a prompt\nSteps: 1, a${' '.repeat(16_000)}b`)]),
      what: 'a 16 KB run of spaces in the parameters line (cubic for a backtracking regex)',
    },
    {
      name: 'a1111-long-line.png',
      bytes: withChunks(base, [png.textChunk('parameters', `a prompt\n${'Key: value, '.repeat(200_000)}`)]),
      what: 'a 2.4 MB parameters line',
    },
    {
      name: 'ztxt-bomb.png',
      bytes: withChunks(base, [
        ...['parameters', 'glimmer-recipe', 'Comment', 'Description', 'prompt', 'workflow', 'Software', 'Title'].map((k) => ztxt(k, bomb)),
        ...['parameters', 'glimmer-recipe', 'XML:com.adobe.xmp', 'Author'].map((k) => itxtCompressed(k, bomb)),
      ]),
      what: '12 text chunks of 64 MB each when inflated (768 MB from about 800 KB)',
    },
    {
      name: 'ztxt-flood.png',
      bytes: withChunks(
        base,
        Array.from({ length: 5000 }, (_, i) => ztxt(i % 2 === 0 ? 'parameters' : `k${i}`, small)),
      ),
      what: '5000 compressed text chunks of 1 MB each when inflated (5 GB of inflating)',
    },
    {
      name: 'chunk-flood.png',
      bytes: withChunks(base, Array.from({ length: 2_000_000 }, () => ({ type: 'prVt', data: Buffer.alloc(0) }))),
      what: '2 million empty private chunks (24 MB)',
    },
  ];
}
