/** WebP thumbnails (longest side 256 and 512 px), decoded once, made in memory before anything is stored. */
import sharp from 'sharp';
import { GlimmerError, type ThumbSize } from '../../contract';
import { decoder, shortReason } from './inspect';


export type { ThumbSize };
export const THUMB_SIZES = [256, 512] as const satisfies readonly ThumbSize[];

export async function makeThumbnails(bytes: Uint8Array, name = 'The image'): Promise<Record<ThumbSize, Buffer>> {
  try {
    const { data, info } = await decoder(bytes)
      .rotate()
      .resize(512, 512, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 } };
    const [large, small] = await Promise.all([
      sharp(data, raw).webp({ quality: 82 }).toBuffer(),
      sharp(data, raw).resize(256, 256, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer(),
    ]);
    return { 256: small, 512: large };
  } catch (err) {
    if (err instanceof GlimmerError) throw err;
    throw new GlimmerError('bad_image', `${name} could not be decoded (${shortReason(err)}). It may be truncated or damaged.`);
  }
}
