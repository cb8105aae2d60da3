/**
 * Decoding a user's image file (PNG, JPEG or WebP) into 8-bit RGB, with sharp. The header is read
 * first and enormous images are refused before any pixel memory is allocated. Alpha is dropped
 * (PIL's convert('RGB'), what the reference does), grey and palette images become RGB, and the EXIF
 * orientation is applied (as diffusers' load_image does).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { GlimmerError } from '../../contract';
import type { RgbImage } from './resample';

export const SUPPORTED_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type ImageFormat = (typeof SUPPORTED_FORMATS)[number];

const EXTENSIONS: Record<string, ImageFormat> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp' };

export interface DecodeLimits {
  /** Largest accepted width * height (default 64 megapixels). */
  maxPixels?: number;
  /** Largest accepted side (default 16384). */
  maxSide?: number;
}

export const DEFAULT_DECODE_LIMITS: Required<DecodeLimits> = { maxPixels: 64 * 1024 * 1024, maxSide: 16384 };

export interface DecodedImage extends RgbImage {
  format: ImageFormat;
}

function badImage(what: string, message: string, cause?: unknown): GlimmerError {
  const details: Record<string, unknown> = { image: what };
  if (cause !== undefined) details.cause = cause instanceof Error ? cause.message.slice(0, 300) : String(cause).slice(0, 300);
  return new GlimmerError('bad_image', message, details);
}

/** Size and format from the header only; throws bad_image for unreadable, unsupported or enormous images. */
export async function probeImage(
  input: Buffer,
  label = 'The image',
  limits: DecodeLimits = {},
): Promise<{ width: number; height: number; format: ImageFormat }> {
  const { maxPixels, maxSide } = { ...DEFAULT_DECODE_LIMITS, ...limits };
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw badImage(label, `${label} is not a readable image (PNG, JPEG or WebP expected). Choose another file.`, e);
  }
  const format = meta.format as string | undefined;
  if (!format || !(SUPPORTED_FORMATS as readonly string[]).includes(format)) {
    throw badImage(
      label,
      `${label} is ${format ? `a ${format.toUpperCase()} image` : 'in an unknown format'}; only PNG, JPEG and WebP are supported. Convert it and try again.`,
    );
  }
  const { width, height } = meta;
  if (!width || !height) throw badImage(label, `${label} has no size in its header; the file is damaged. Choose another file.`);
  if (width > maxSide || height > maxSide || width * height > maxPixels) {
    throw badImage(
      label,
      `${label} is ${width}x${height} pixels, larger than the ${maxSide}-pixel side / ${Math.round(maxPixels / 1e6)}-megapixel limit. Scale it down and try again.`,
    );
  }
  return { width, height, format: format as ImageFormat };
}

/** Decode an in-memory PNG/JPEG/WebP to 8-bit RGB (HWC). */
export async function decodeImage(input: Buffer, label = 'The image', limits: DecodeLimits = {}): Promise<DecodedImage> {
  const { format } = await probeImage(input, label, limits);
  try {
    const { data, info } = await sharp(input, { failOn: 'truncated', limitInputPixels: false })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: 3,
      format,
    };
  } catch (e) {
    throw badImage(label, `${label} could not be decoded; the file is truncated or damaged. Choose another file.`, e);
  }
}

/** Read and decode an image file; the extension must name a supported format. */
export async function decodeImageFile(file: string, limits: DecodeLimits = {}): Promise<DecodedImage> {
  const base = path.basename(file);
  const ext = path.extname(file).toLowerCase();
  if (!EXTENSIONS[ext]) {
    throw badImage(file, `${base} is not a PNG, JPEG or WebP file (by its extension "${ext || 'none'}"). Choose a .png, .jpg or .webp image.`);
  }
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new GlimmerError('not_found', `The image ${file} could not be read. Check that it exists.`, { image: file });
  }
  return decodeImage(buf, base, limits);
}
