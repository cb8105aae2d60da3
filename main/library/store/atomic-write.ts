/**
 * Durable, all-or-nothing file writes: the bytes go to a temporary file in the store's own temp
 * folder (same file system), are flushed to disk, and only then renamed into place. A reader (or a
 * crash) sees either no file or the whole file, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const TEMP_SUFFIX = '.part';

async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open or fsync a directory; its rename is already durable enough there.
  } finally {
    await handle?.close().catch(() => {});
  }
}

export async function writeFileAtomic(tmpDir: string, finalPath: string, data: Uint8Array): Promise<void> {
  const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}${TEMP_SUFFIX}`);
  const handle = await fs.open(tmp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.mkdir(path.dirname(finalPath), { recursive: true });
    await fs.rename(tmp, finalPath);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  await fsyncDir(path.dirname(finalPath));
}

/** Remove whatever a crashed writer left in the temp folder. Returns how many files were removed. */
export async function cleanTempDir(tmpDir: string): Promise<number> {
  await fs.mkdir(tmpDir, { recursive: true });
  let removed = 0;
  for (const name of await fs.readdir(tmpDir)) {
    await fs.rm(path.join(tmpDir, name), { force: true, recursive: true });
    removed++;
  }
  return removed;
}
