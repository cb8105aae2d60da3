/** Where `glimmer generate` writes: --out checked, and FILE-1.png, FILE-2.png, ... for several images. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../contract';

/** --out, checked: a .png in a folder that exists. */
export function checkedOut(out: string | undefined): string {
  if (!out) throw new GlimmerError('bad_request', '--out FILE.png is required.');
  if (!out.toLowerCase().endsWith('.png')) throw new GlimmerError('bad_request', `--out must name a .png file, not "${out}".`);
  const outDir = path.dirname(path.resolve(out));
  if (!existsSync(outDir)) throw new GlimmerError('bad_request', `The folder of --out (${outDir}) does not exist.`);
  return out;
}

export function outFile(out: string, i: number, count: number): string {
  if (count === 1) return out;
  const ext = path.extname(out);
  return `${out.slice(0, out.length - ext.length)}-${i + 1}${ext}`;
}

