/**
 * Copies a folder (e.g. the read-only fixture checkpoint) so a test can change and delete it: fs.cp keeps the
 * source's read-only modes, which a non-root user could then neither modify nor remove.
 */
import { chmod, cp, readdir } from 'node:fs/promises';
import path from 'node:path';

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await makeWritable(full);
    else if (e.isFile()) await chmod(full, 0o644);
  }
}

export async function writableCopy(src: string, dest: string): Promise<void> {
  await cp(src, dest, { recursive: true });
  await makeWritable(dest);
}
