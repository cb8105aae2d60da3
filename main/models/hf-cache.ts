/**
 * Finds GLM-Image in the Hugging Face cache (the layout huggingface_hub writes:
 * <cache>/models--zai-org--GLM-Image/{refs/<name>, snapshots/<commit>/..., blobs/<hash>}) so a user who already
 * has it never downloads it again. Snapshots are used in place (their symlinks resolve into blobs/). No network.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_REPO } from './layout';
import { validateCheckpoint, type ValidationReport } from './validate';

/** The hub cache folder huggingface_hub uses: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const direct = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  if (direct) return path.resolve(direct);
  const home = env.HF_HOME || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'huggingface');
  return path.resolve(home, 'hub');
}

export function repoCacheFolderName(repo: string): string {
  return `models--${repo.split('/').join('--')}`;
}

export interface CachedCheckpoint {
  source: 'hf-cache';
  repo: string;
  /** The snapshot's commit hash. */
  revision: string;
  /** Ref names (e.g. 'main') that point at this snapshot. */
  refs: string[];
  /** The snapshot folder, used in place. */
  dir: string;
  report: ValidationReport;
  modifiedMs: number;
}

export interface FindInCacheOptions {
  repo?: string;
  /** A branch/tag name recorded in refs/, or a commit hash. Without it every snapshot is returned. */
  revision?: string;
  /** Overrides the cache folder (otherwise from env). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

async function readRefs(repoDir: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full, `${prefix}${e.name}/`);
      else {
        const commit = (await readFile(full, 'utf8').catch(() => '')).trim();
        if (commit) refs.set(`${prefix}${e.name}`, commit);
      }
    }
  };
  await walk(path.join(repoDir, 'refs'), '');
  return refs;
}

/**
 * Every snapshot of the repo in the cache, validated; the best first (the requested/`main` ref, then complete
 * ones, then the newest). Returns [] when the cache or the repo is absent.
 */
export async function findInHfCache(options: FindInCacheOptions = {}): Promise<CachedCheckpoint[]> {
  const repo = options.repo ?? DEFAULT_REPO;
  const cacheDir = options.cacheDir ?? hubCacheDir(options.env);
  const repoDir = path.join(cacheDir, repoCacheFolderName(repo));
  const refs = await readRefs(repoDir);
  const snapshotsDir = path.join(repoDir, 'snapshots');
  let names = (await readdir(snapshotsDir, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory() || e.isSymbolicLink())
    .map((e) => e.name);
  const wanted = options.revision;
  if (wanted) {
    const commit = refs.get(wanted) ?? wanted;
    names = names.filter((n) => n === commit);
  }
  const found: CachedCheckpoint[] = [];
  for (const name of names) {
    const dir = path.join(snapshotsDir, name);
    const st = await stat(dir).catch(() => null);
    if (!st) continue;
    const pointing = [...refs.entries()].filter(([, c]) => c === name).map(([r]) => r);
    found.push({
      source: 'hf-cache',
      repo,
      revision: name,
      refs: pointing,
      dir,
      report: await validateCheckpoint(dir),
      modifiedMs: st.mtimeMs,
    });
  }
  const preferredRef = wanted && refs.has(wanted) ? wanted : 'main';
  const rank = (c: CachedCheckpoint) => (c.refs.includes(preferredRef) ? 2 : 0) + (c.report.ok ? 4 : 0);
  return found.sort((a, b) => rank(b) - rank(a) || b.modifiedMs - a.modifiedMs);
}
