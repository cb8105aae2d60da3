/** Images handed to the library: encoded bytes (PNG/JPEG/WebP) or raw pixels from the engine. */
import sharp from 'sharp';
import { GlimmerError } from '../contract';
import { writePngMetadata } from './png';
import type { StoredRecipe } from '../contract';
import { type ImageFormat, decoder, inspectHeader, shortReason } from './store';

export type ImageInput =
  | { bytes: Uint8Array; name?: string }
  | { raw: Uint8Array; width: number; height: number; channels: 3 | 4 };

export interface PreparedImage {
  bytes: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
}

/** A generated image as the PNG we keep: pixels encoded losslessly, recipe in its metadata. */
export async function generatedPng(input: ImageInput, recipe: StoredRecipe): Promise<PreparedImage> {
  let png: Buffer;
  if ('raw' in input) {
    const { width, height, channels } = input;
    if (input.raw.length !== width * height * channels) {
      throw new GlimmerError('bad_image', `The generated image has ${input.raw.length} bytes, not ${width} x ${height} x ${channels}.`);
    }
    png = await sharp(input.raw, { raw: { width, height, channels } }).png({ compressionLevel: 6 }).toBuffer();
  } else {
    const info = await inspectHeader(input.bytes, input.name ?? 'The generated image');
    png = info.format === 'png' ? Buffer.from(input.bytes) : await toPng(input.bytes);
  }
  const bytes = writePngMetadata(png, recipe);
  const info = await inspectHeader(bytes, 'The generated image');
  return { bytes, format: 'png', width: info.width, height: info.height };
}

export async function toPng(bytes: Uint8Array): Promise<Buffer> {
  try {
    return await decoder(bytes).rotate().png({ compressionLevel: 6 }).toBuffer();
  } catch (err) {
    throw new GlimmerError('bad_image', `The image could not be converted to PNG (${shortReason(err)}).`);
  }
}
