/**
 * What a server sends back as an image is checked before anything is kept: it must decode fully as
 * PNG, JPEG or WebP (not an error page, not a truncated file) and be of the size asked. The pixels
 * come back as RGB, so the library writes its own PNG with our recipe, like a local image.
 */
import sharp from 'sharp';
import { RemoteError } from './errors';

/** Largest image accepted from a server (pixels): GLM-Image goes to 2048², with room to spare. */
export const MAX_REMOTE_PIXELS = 8192 * 8192;

export interface CheckedImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

export async function checkRemoteImage(bytes: Uint8Array, expected: { width: number; height: number } | null, label: string): Promise<CheckedImage> {
  if (bytes.length === 0) throw new RemoteError('bad_answer', `${label} sent an empty image.`);
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_REMOTE_PIXELS }).metadata();
    format = meta.format;
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch {
    format = undefined;
  }
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') {
    throw new RemoteError('bad_answer', `${label} sent something that is not a PNG, JPEG or WebP image; nothing was kept.`);
  }
  if (expected && (width !== expected.width || height !== expected.height)) {
    throw new RemoteError('bad_answer', `${label} sent a ${width}x${height} image where ${expected.width}x${expected.height} was asked; nothing was kept.`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_REMOTE_PIXELS, failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`${info.channels} channels`);
    return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (err) {
    throw new RemoteError('bad_answer', `${label} sent a damaged ${format.toUpperCase()} image (${(err as Error).message.split('\n')[0]}); nothing was kept.`);
  }
}
