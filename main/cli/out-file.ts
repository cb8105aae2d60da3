/** Where `glimmer generate` writes: FILE-1.png, FILE-2.png, ... for several images. */
import path from 'node:path';

export function outFile(out: string, i: number, count: number): string {
  if (count === 1) return out;
  const ext = path.extname(out);
  return `${out.slice(0, out.length - ext.length)}-${i + 1}${ext}`;
}

