/** Test data for the library: temp folders, deterministic images (real sharp encodes), recipes. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { StoredRecipe as Recipe } from '../../main/contract';

export function tempDir(prefix = 'glimmer-lib-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random RGB pixels (xorshift32), different for each seed. */
export function noisePixels(seed: number, width: number, height: number, channels: 3 | 4 = 3): Buffer {
  const out = Buffer.alloc(width * height * channels);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export async function encodedImage(seed: number, width: number, height: number, format: 'png' | 'jpeg' | 'webp'): Promise<Buffer> {
  const img = sharp(noisePixels(seed, width, height), { raw: { width, height, channels: 3 } });
  if (format === 'png') return img.png().toBuffer();
  if (format === 'jpeg') return img.jpeg({ quality: 90 }).toBuffer();
  return img.webp({ quality: 90 }).toBuffer();
}

export function recipe(overrides: Partial<Recipe> = {}): Recipe {
  return {
    version: 1,
    app: 'Glimmer Studio test',
    mode: 'text',
    prompt: 'a poster of a red fox reading a newspaper, text "MORNING NEWS"',
    negativePrompt: 'blurry',
    model: 'glm-image-tiny',
    seed: 1234,
    width: 64,
    height: 48,
    steps: 4,
    guidance: 1.5,
    provider: 'cpu',
    ...overrides,
  };
}

/** Every file under a folder (relative paths, sorted) with its size and mtime, to prove nothing changed. */
export function snapshotFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else out.push(`${path.relative(root, full)} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(root);
  return out.sort();
}
