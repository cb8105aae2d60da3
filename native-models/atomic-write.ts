/**
 * Durable, all-or-nothing file writes, for every file the app writes (models, manifests, settings,
 * library images, records, exports): the bytes go to a temporary file on the same file system, are
 * flushed to disk, and only then renamed into place, and the folder is flushed. A reader or a crash
 * sees the old file or the whole new one, never half of one; a failed write leaves no temp file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Every temp file ends with this (crash clean-ups look for it). */
export const TEMP_SUFFIX = '.part';

/** A fresh temp path for `finalPath`: beside it (hidden), or in `tmpDir` (which must be on the same file system). */
export function tempPathFor(finalPath: string, tmpDir?: string): string {
  const unique = `${process.pid}-${randomBytes(6).toString('hex')}`;
  return tmpDir ? path.join(tmpDir, `${unique}${TEMP_SUFFIX}`) : path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.${unique}${TEMP_SUFFIX}`);
}

async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open or fsync a directory; its rename is durable enough there.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Puts a finished temp file in place: flushed, renamed over `finalPath`, the folder flushed. On
 * failure the error is thrown, the old file (if any) untouched and the temp file removed, unless
 * `keepOnFailure` (a verified download worth keeping for the next try).
 */
export async function commitFile(tmp: string, finalPath: string, opts: { keepOnFailure?: boolean } = {}): Promise<void> {
  try {
    const handle = await fs.open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.mkdir(path.dirname(finalPath), { recursive: true });
    await fs.rename(tmp, finalPath);
  } catch (err) {
    if (!opts.keepOnFailure) await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  await fsyncDir(path.dirname(finalPath));
}

/** Writes all of `data` to `finalPath` atomically (mode: 0o600 for a file only its owner may read, e.g. one holding keys). */
export async function writeFileAtomic(finalPath: string, data: Uint8Array | string, opts: { tmpDir?: string; mode?: number } = {}): Promise<void> {
  const tmp = tempPathFor(finalPath, opts.tmpDir);
  const write = () => fs.writeFile(tmp, data, { flag: 'wx', mode: opts.mode ?? 0o644 });
  try {
    try {
      await write();
    } catch (err) {
      // the first file of a folder not made yet (the data folder on a first run of the CLI)
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.mkdir(path.dirname(tmp), { recursive: true });
      await write();
    }
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  await commitFile(tmp, finalPath);
}

/** Writes `value` as JSON (one space indent) to `finalPath` atomically. */
export function writeJsonAtomic(finalPath: string, value: unknown, opts: { mode?: number } = {}): Promise<void> {
  return writeFileAtomic(finalPath, JSON.stringify(value, null, 1), opts);
}
