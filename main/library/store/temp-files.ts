/**
 * The store's temp folder: writes (native-models writeFileAtomic) go through `<tmp>/<pid>-<random>/`
 * folders, one per open store, and what a crashed writer left there is removed at the next open.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

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
