/**
 * An image brought into the window (dropped, pasted, or opened from the app menu): its bytes, a URL
 * to show it, its size, and the recipe it carries (read here, bounded: contract/png-recipe).
 */
import { readImageRecipe, type ImageRecipe } from '../../../main/contract';
import { loadImage } from '../canvas/images';
import { t } from '../i18n';

export interface DroppedImage {
  name: string;
  type: string;
  bytes: Uint8Array;
  /** blob: URL of the file (revoked when the image is let go). */
  url: string;
  width: number;
  height: number;
  recipe: ImageRecipe;
}

const IMAGE_TYPES = /^image\/(png|jpeg|webp)$/;

/** Whether a drag or a paste carries files (not an image dragged inside the studio, nor text). */
export function carriesFiles(data: DataTransfer | null): boolean {
  return !!data && [...data.types].includes('Files');
}

/** The first image file of a drop or a paste, or null. */
export function imageFileOf(data: DataTransfer | null): File | null {
  if (!data) return null;
  return [...data.files].find((f) => IMAGE_TYPES.test(f.type)) ?? null;
}

export async function readDropped(file: Blob, name: string): Promise<DroppedImage> {
  const type = file.type || 'image/png';
  if (!IMAGE_TYPES.test(type)) throw new Error(t('canvas.notAnImage', { name }));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  try {
    const img = await loadImage(url);
    return { name, type, bytes, url, width: img.naturalWidth, height: img.naturalHeight, recipe: await readImageRecipe(bytes) };
  } catch (err) {
    URL.revokeObjectURL(url);
    throw err;
  }
}

/** The app menu's File → Open… (Electron): the same as a drop. */
export function fileFromBase64(dataBase64: string, name: string): Blob {
  const raw = atob(dataBase64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const ext = name.toLowerCase().split('.').pop();
  const type = ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : ext === 'webp' ? 'image/webp' : 'image/png';
  return new Blob([bytes], { type });
}

export function base64Of(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
