/**
 * Free space on the disk that holds a folder (fs.statfs), and the check made before a download or a copy starts.
 * Tests replace the measurement with a quota function.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { GlimmerError, formatBytes } from '../contract';

/** Bytes free for this user on the disk holding `dir`. */
export type FreeSpaceFn = (dir: string) => Promise<number>;

/** statfs on `dir` or, when it does not exist yet, on its nearest existing parent. */
export const diskFreeBytes: FreeSpaceFn = async (dir) => {
  let current = path.resolve(dir);
  for (;;) {
    try {
      const s = await statfs(current);
      return Number(s.bavail) * Number(s.bsize);
    } catch (err) {
      const parent = path.dirname(current);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw err;
      current = parent;
    }
  }
};

/** Space kept free beyond what the files need, so the system is not left with a full disk. */
export const DEFAULT_RESERVE_BYTES = 256 * 1024 * 1024;

export async function ensureFreeSpace(
  dir: string,
  neededBytes: number,
  options: { freeSpace?: FreeSpaceFn; reserveBytes?: number; what?: string } = {},
): Promise<{ freeBytes: number; neededBytes: number }> {
  const free = await (options.freeSpace ?? diskFreeBytes)(dir);
  const reserve = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
  if (neededBytes > 0 && neededBytes + reserve > free) {
    throw new GlimmerError(
      'disk_full',
      `Not enough free disk space for ${options.what ?? 'the model'}: it needs ${formatBytes(neededBytes)} ` +
        `(plus ${formatBytes(reserve)} to spare) in ${dir}, and only ${formatBytes(free)} is free. ` +
        'Free some space or choose a models folder on another disk, then start again; finished files are kept.',
      { neededBytes, freeBytes: free, reserveBytes: reserve, dir },
    );
  }
  return { freeBytes: free, neededBytes };
}
