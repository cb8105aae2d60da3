/**
 * A library whose database is gone or empty while its image store still holds images is damaged,
 * not new: opening it as a new, empty library would hide every image (and orphan collection would
 * then delete them). It is refused, kept as it is, and can be rebuilt from the store: every image
 * is imported again, and the recipe in each PNG brings back its prompt and parameters. Projects,
 * tags, ratings and the trash lived only in the database and do not come back.
 */
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError, isCodedError } from '../contract';
import { databasePath, REBUILD_ADVICE } from './db/open';
import type { Library } from './library';
import { isHash, sha256, storeRoots } from './store';

/** Files in the image store (images/<xx>/<sha256>.<ext>). */
function storedImages(dataDir: string): string[] {
  const root = storeRoots(dataDir).images;
  const out: string[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync(root);
  } catch {
    return out;
  }
  for (const dir of dirs.sort()) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    let names: string[];
    try {
      names = readdirSync(path.join(root, dir));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (/^[0-9a-f]{64}\.(png|jpg|webp)$/.test(name) && name.startsWith(dir)) out.push(path.join(root, dir, name));
    }
  }
  return out;
}

/** The refusal for a database that is missing or empty beside stored images; null when there is none. */
export function damagedLibraryProblem(dataDir: string): GlimmerError | null {
  const db = databasePath(dataDir);
  const state = !existsSync(db) ? 'missing' : statSync(db).isFile() && statSync(db).size === 0 ? 'empty (0 bytes)' : null;
  if (!state) return null;
  const images = storedImages(dataDir).length;
  if (images === 0) return null;
  return new GlimmerError(
    'conflict',
    `The library database ${db} is ${state} although the image store holds ${images} image${images === 1 ? '' : 's'}: the library was damaged. Nothing was changed. ${REBUILD_ADVICE}`,
    { path: db, images, rebuildable: true },
  );
}

export interface RebuildReport {
  /** Images imported again from the store. */
  images: number;
  /** Of those, how many carried their recipe. */
  withRecipe: number;
  /** Store files that could not be imported (damaged, or not matching their name), with why. */
  failed: string[];
  /** Where the damaged database was kept (null when there was none). */
  keptAs: string | null;
}

/**
 * Rebuilds the library of `dataDir` from its image store. Refused unless the library is damaged
 * (missing or empty beside images, not SQLite, unreadable): a library that opens, or one made by a
 * newer version, is never replaced.
 */
export async function rebuildLibrary(
  dataDir: string,
  open: (dir: string, options: { rebuilding: true }) => Promise<Library>,
  check: (dir: string) => Promise<void>,
): Promise<RebuildReport> {
  const dir = path.resolve(dataDir);
  try {
    await check(dir);
  } catch (err) {
    const details = isCodedError(err) ? (err.details as { rebuildable?: unknown } | undefined) : undefined;
    if (details?.rebuildable !== true) throw err;
    return rebuildFromStore(dir, open);
  }
  throw new GlimmerError('conflict', `The library in ${dir} opens fine; there is nothing to rebuild.`);
}

async function rebuildFromStore(dir: string, open: (dir: string, options: { rebuilding: true }) => Promise<Library>): Promise<RebuildReport> {
  const db = databasePath(dir);
  let keptAs: string | null = null;
  if (existsSync(db)) {
    keptAs = `${db}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(db, keptAs);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(db + suffix)) await fs.rename(db + suffix, keptAs + suffix);
    }
  }
  const lib = await open(dir, { rebuilding: true });
  const report: RebuildReport = { images: 0, withRecipe: 0, failed: [], keptAs };
  try {
    for (const file of storedImages(dir)) {
      const name = path.basename(file);
      try {
        const bytes = await fs.readFile(file);
        if (!isHash(name.slice(0, 64)) || sha256(bytes) !== name.slice(0, 64)) throw new GlimmerError('bad_image', 'its bytes do not match its name');
        const st = await fs.stat(file);
        const g = await lib.importImage({ bytes, name }, { restore: { createdAt: Math.floor(st.mtimeMs) } });
        report.images++;
        if (g.recipe) report.withRecipe++;
      } catch (err) {
        report.failed.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } finally {
    lib.close();
  }
  return report;
}
