/**
 * What the text reader accepts: an 8-bit image as the engine holds it (an `RgbImage` from decoding, or
 * the VAE's `DecodedPixels`), checked before any work; and encoded bytes (PNG, JPEG, WebP) decoded
 * with the engine's own image decoder, which refuses non-images and enormous images from the header.
 */
import { GlimmerError } from '../../contract';
import { decodeImage, DEFAULT_DECODE_LIMITS, type DecodedImage, type DecodeLimits, type DecodedPixels, type RgbImage } from '../image';

/** An RgbImage, or pixels as the VAE gives them (DecodedPixels; only rgb, width and height are read). */
export type OcrImage = RgbImage | Pick<DecodedPixels, 'rgb' | 'width' | 'height'>;

function isDecodedPixels(image: OcrImage): image is Pick<DecodedPixels, 'rgb' | 'width' | 'height'> {
  return (image as DecodedPixels).rgb instanceof Uint8Array;
}

/** The image as an interleaved 8-bit grey, RGB or RGBA buffer; throws bad_image when it is not a whole image or is over the limits. */
export function checkOcrImage(image: OcrImage, limits: DecodeLimits = {}): RgbImage {
  const { maxPixels, maxSide } = { ...DEFAULT_DECODE_LIMITS, ...limits };
  if (!image || typeof image !== 'object') throw new GlimmerError('bad_image', 'The text check needs an image; got nothing.');
  const rgb: RgbImage = isDecodedPixels(image) ? { data: image.rgb, width: image.width, height: image.height, channels: 3 } : image;
  const { data, width, height, channels } = rgb;
  if (!(data instanceof Uint8Array)) throw new GlimmerError('bad_image', 'The text check needs 8-bit pixels; the image has no pixel buffer.');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new GlimmerError('bad_image', `The image size ${width}x${height} is not a size; the text check needs whole pixels.`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new GlimmerError('bad_image', `The image has ${channels} channels; the text check reads grey, RGB or RGBA images.`);
  }
  if (width > maxSide || height > maxSide || width * height > maxPixels) {
    throw new GlimmerError(
      'bad_image',
      `The image is ${width}x${height} pixels, larger than the ${maxSide}-pixel side / ${Math.round(maxPixels / 1e6)}-megapixel limit of the text check. Scale it down and try again.`,
      { width, height },
    );
  }
  if (data.length !== width * height * channels) {
    throw new GlimmerError('bad_image', `The image buffer has ${data.length} bytes; ${width}x${height} with ${channels} channels needs ${width * height * channels}.`);
  }
  return rgb;
}

/** Decode encoded image bytes for the text check (bad_image for non-images, damaged or enormous ones). */
export async function decodeForOcr(bytes: Uint8Array, label = 'The image', limits: DecodeLimits = {}): Promise<DecodedImage> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new GlimmerError('bad_image', `${label} is empty; the text check needs a PNG, JPEG or WebP image.`);
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeImage(buf, label, limits);
}
