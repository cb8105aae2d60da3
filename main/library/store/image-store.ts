/**
 * Content-addressed image files under the data folder:
 *   images/ab/<sha256>.<ext>        the image, named by the hash of its bytes
 *   thumbs/ab/<sha256>-256.webp     thumbnails (and -512)
 *   .store-tmp/<pid>-<random>/      this store's temporary files while writing (stale ones removed at open)
 * Every path this class yields is checked to lie inside its root; hashes are validated first.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../../contract';
import { writeFileAtomic } from '../../../native-models/atomic-write';
import { cleanStaleTemp } from './temp-files';
import { FORMAT_EXT, type ImageFormat } from './inspect';
import { THUMB_SIZES, type ThumbSize, makeThumbnails } from './thumbnails';

const HASH = /^[0-9a-f]{64}$/;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isHash(value: string): boolean {
  return HASH.test(value);
}

/** Path of an image, relative to the images root (also its media URL path after "images/"). */
export function imageRel(hash: string, format: ImageFormat): string {
  if (!isHash(hash)) throw new GlimmerError('bad_request', 'Not an image hash.');
  if (!Object.prototype.hasOwnProperty.call(FORMAT_EXT, format)) throw new GlimmerError('bad_request', 'Not an image format.');
  return `${hash.slice(0, 2)}/${hash}.${FORMAT_EXT[format]}`;
}

export function thumbRel(hash: string, size: ThumbSize): string {
  if (!isHash(hash)) throw new GlimmerError('bad_request', 'Not an image hash.');
  if (!THUMB_SIZES.includes(size)) throw new GlimmerError('bad_request', `Thumbnails come in ${THUMB_SIZES.join(' and ')} px.`);
  return `${hash.slice(0, 2)}/${hash}-${size}.webp`;
}

export interface StoreRoots {
  images: string;
  thumbs: string;
  tmp: string;
}

export function storeRoots(dataDir: string): StoreRoots {
  const root = path.resolve(dataDir);
  return { images: path.join(root, 'images'), thumbs: path.join(root, 'thumbs'), tmp: path.join(root, '.store-tmp') };
}

function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Temp folders of stores open in this process (never cleaned by another store's open). */
const openTempDirs = new Set<string>();

export class ImageStore {
  readonly roots: StoreRoots;
  /** This store's own temp folder (same file system as the store, so renames are atomic). */
  readonly tmpDir: string;
  private readonly tmpName: string;

  constructor(dataDir: string) {
    this.roots = storeRoots(dataDir);
    this.tmpName = `${process.pid}-${randomBytes(6).toString('hex')}`;
    this.tmpDir = path.join(this.roots.tmp, this.tmpName);
  }

  /** Create the folders and remove temporary files crashed writers left. Returns how many were removed. */
  async open(): Promise<number> {
    await fs.mkdir(this.roots.images, { recursive: true });
    await fs.mkdir(this.roots.thumbs, { recursive: true });
    const removed = await cleanStaleTemp(this.roots.tmp, openTempDirs);
    await fs.mkdir(this.tmpDir, { recursive: true });
    openTempDirs.add(this.tmpName);
    return removed;
  }

  close(): void {
    openTempDirs.delete(this.tmpName);
    rmSync(this.tmpDir, { recursive: true, force: true });
  }

  private checked(root: string, rel: string): string {
    const full = path.resolve(root, rel);
    if (!inside(root, full)) throw new GlimmerError('forbidden', 'That path is outside the image store.');
    return full;
  }

  imagePath(hash: string, format: ImageFormat): string {
    return this.checked(this.roots.images, imageRel(hash, format));
  }

  thumbPath(hash: string, size: ThumbSize): string {
    return this.checked(this.roots.thumbs, thumbRel(hash, size));
  }

  has(hash: string, format: ImageFormat): boolean {
    return existsSync(this.imagePath(hash, format));
  }

  /**
   * Store image bytes (already checked) and their thumbnails. Idempotent: an image already present is
   * not written again. Thumbnails are written first, so an image file present implies its thumbnails.
   */
  async put(bytes: Uint8Array, format: ImageFormat, thumbs?: Record<ThumbSize, Buffer>): Promise<{ hash: string; created: boolean }> {
    const hash = sha256(bytes);
    const target = this.imagePath(hash, format);
    if (existsSync(target)) return { hash, created: false };
    const made = thumbs ?? (await makeThumbnails(bytes));
    for (const size of THUMB_SIZES) await writeFileAtomic(this.thumbPath(hash, size), made[size], { tmpDir: this.tmpDir });
    await writeFileAtomic(target, bytes, { tmpDir: this.tmpDir });
    return { hash, created: true };
  }

  async read(hash: string, format: ImageFormat): Promise<Buffer> {
    try {
      return await fs.readFile(this.imagePath(hash, format));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new GlimmerError('not_found', `Image ${hash.slice(0, 12)} is missing from the image store.`);
      }
      throw err;
    }
  }

  /** Thumbnail path, re-made from the image if it went missing. */
  async ensureThumb(hash: string, format: ImageFormat, size: ThumbSize): Promise<string> {
    const file = this.thumbPath(hash, size);
    if (existsSync(file)) return file;
    const made = await makeThumbnails(await this.read(hash, format));
    for (const s of THUMB_SIZES) await writeFileAtomic(this.thumbPath(hash, s), made[s], { tmpDir: this.tmpDir });
    return file;
  }

  /** Delete an image and its thumbnails (the caller checked nothing refers to it). */
  async remove(hash: string, format: ImageFormat): Promise<void> {
    await fs.rm(this.imagePath(hash, format), { force: true });
    for (const size of THUMB_SIZES) await fs.rm(this.thumbPath(hash, size), { force: true });
  }
}
