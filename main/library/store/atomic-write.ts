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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what crashed writers left in the temp root. Each open store writes in its own folder
 * `<pid>-<random>`; a folder is left alone while its process lives (another app instance, `serve`
 * or the CLI on the same library) or, in this process, while its store is open (`keep`).
 * Returns how many files were removed.
 */
export async function cleanStaleTemp(tmpRoot: string, keep: ReadonlySet<string>): Promise<number> {
  await fs.mkdir(tmpRoot, { recursive: true });
  let removed = 0;
  for (const entry of await fs.readdir(tmpRoot, { withFileTypes: true })) {
    const full = path.join(tmpRoot, entry.name);
    const owner = /^(\d+)-[0-9a-f]+$/.exec(entry.name);
    if (entry.isDirectory() && owner) {
      const pid = Number(owner[1]);
      if (keep.has(entry.name) || (pid !== process.pid && alive(pid))) continue;
      removed += (await fs.readdir(full)).length;
    } else {
      removed += 1;
    }
    await fs.rm(full, { force: true, recursive: true });
  }
  return removed;
}
