/**
 * The repository root as the benchmark sees it: the nearest folder above this file with a
 * package.json. Found by walking up (not by a fixed '../..') so the same code works from the
 * sources (tsx) and from the one-file bundle bench/gpu/pack.sh makes for GPU machines.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

export function benchRepoRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) return (root = process.cwd());
    dir = up;
  }
}
