/**
 * Check an image before anything is stored: its real format (from its bytes, not its name), that its
 * name agrees, that its size is within limits (read from the header, before any pixel is decoded),
 * and that it decodes completely. Any problem is a GlimmerError('bad_image') saying what to do.
 */
import path from 'node:path';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { GlimmerError, type ImageFormat } from '../../contract';
import { readChunks } from '../png/chunks';


export type { ImageFormat };

/** Largest image accepted, in pixels (100 MP: a 10,000 x 10,000 image). */
export const MAX_INPUT_PIXELS = 100_000_000;
/** Largest side accepted. */
export const MAX_SIDE = 16_384;

export const FORMAT_EXTENSIONS: Record<ImageFormat, string[]> = {
  png: ['.png'],
  jpeg: ['.jpg', '.jpeg', '.jfif'],
  webp: ['.webp'],
};

export const FORMAT_EXT: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Format and size from the header only (no decoding). */
export async function inspectHeader(bytes: Uint8Array, name = 'The image'): Promise<ImageInfo> {
  const format = sniffFormat(bytes);
  if (!format) {
    throw new GlimmerError('bad_image', `${name} is not a PNG, JPEG or WebP image. Choose an image file in one of those formats.`);
  }
  const ext = path.extname(name).toLowerCase();
  if (ext && !FORMAT_EXTENSIONS[format].includes(ext)) {
    throw new GlimmerError(
      'bad_image',
      `${name} is named ${ext} but is really a ${format.toUpperCase()} image. Rename it to ${FORMAT_EXTENSIONS[format][0]} and try again.`,
      { format, extension: ext },
    );
  }
  if (format === 'png') readChunks(bytes, name); // structure + checksums, catches truncation early
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new GlimmerError('bad_image', `${name} could not be read as ${format.toUpperCase()} (${shortReason(err)}). It may be damaged.`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw new GlimmerError('bad_image', `${name} has no pixels.`);
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_INPUT_PIXELS) {
    throw new GlimmerError(
      'bad_image',
      `${name} is ${width} x ${height} pixels, larger than Glimmer Studio accepts (${MAX_SIDE} px a side, ${MAX_INPUT_PIXELS / 1e6} megapixels). Scale it down and try again.`,
      { width, height },
    );
  }
  return { format, width, height };
}

/** A sharp pipeline that refuses oversized input and stops on truncated data. */
export function decoder(bytes: Uint8Array): Sharp {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' });
}

export function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 160);
}
