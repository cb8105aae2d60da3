/**
 * Where the golden fixtures live, and how a test reads them. The folder comes from GLIMMER_FIXTURES
 * (default ../shared/fixtures/glm-image-tiny beside the repo), so parity tests run unchanged on any
 * fixture set made by the same make_goldens.py.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function fixturesDir(): string {
  const fromEnv = process.env.GLIMMER_FIXTURES;
  return path.resolve(repoRoot, fromEnv && fromEnv.length > 0 ? fromEnv : '../shared/fixtures/glm-image-tiny');
}

export function checkpointDir(): string {
  return path.join(fixturesDir(), 'checkpoint');
}

/** Every file of the fixture checkpoint: paths relative to it, posix separators, sorted. */
export function checkpointFiles(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(checkpointDir(), rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** Total size in bytes of the fixture checkpoint's files. */
export function checkpointBytes(): number {
  return checkpointFiles().reduce((s, f) => s + statSync(path.join(checkpointDir(), f)).size, 0);
}

export function goldenDir(): string {
  return path.join(fixturesDir(), 'golden');
}

export function fixturesAvailable(): boolean {
  return existsSync(path.join(goldenDir()));
}

/** Case names: every golden/*.json that has a .safetensors beside it (tokenizer.json is not a case). */
export function listCases(): string[] {
  const dir = goldenDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && existsSync(path.join(dir, f.replace(/\.json$/, '.safetensors'))))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

export interface CaseMeta {
  [key: string]: unknown;
}

export function readCaseMeta(caseName: string): CaseMeta {
  return JSON.parse(readFileSync(path.join(goldenDir(), `${caseName}.json`), 'utf8')) as CaseMeta;
}

export function caseTensorsPath(caseName: string): string {
  return path.join(goldenDir(), `${caseName}.safetensors`);
}
