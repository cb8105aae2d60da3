/**
 * Open (or create) the library database: refuse files that are not ours or are newer than this app,
 * without changing them; then WAL, foreign keys, a busy timeout, and pending migrations in one
 * transaction (all applied, or none).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { GlimmerError } from '../../contract';
import { APPLICATION_ID, SCHEMA_VERSION, migrations } from './migrations';

export const DB_FILE = 'library.sqlite';
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenDatabaseOptions {
  /** Apply migrations only up to this version (tests build old schemas this way). */
  upTo?: number;
  /** Busy timeout in ms (another connection holding a write lock). */
  busyTimeoutMs?: number;
}

function refuse(file: string, what: string, todo: string, details?: Record<string, unknown>): GlimmerError {
  return new GlimmerError('conflict', `${file} ${what}. It was left untouched. ${todo}`, { path: file, ...details });
}

/** What to do about a damaged library (rebuildLibrary, `glimmer library rebuild`). */
export const REBUILD_ADVICE =
  'Rebuild the library from its images with `glimmer library rebuild` (or the library.rebuild call): every image comes back with the recipe stored in it; projects, tags and ratings do not.';

/** Only a file that starts with the SQLite header (or an empty/new one) is opened at all. */
function checkHeader(file: string): void {
  if (!existsSync(file)) return;
  const st = statSync(file);
  if (!st.isFile()) throw refuse(file, 'is not a file', 'Choose another data folder.');
  if (st.size === 0) return;
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.equals(SQLITE_HEADER)) {
    throw refuse(
      file,
      'is not a Glimmer Studio library database (it is not an SQLite file): it may be damaged',
      `Move it somewhere else or choose another data folder; a new library is then created. ${REBUILD_ADVICE}`,
      { rebuildable: true },
    );
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const target = Math.min(options.upTo ?? SCHEMA_VERSION, SCHEMA_VERSION);
  checkHeader(file);
  // `npm start` runs Electron with a better-sqlite3 build for Electron's ABI (scripts/start.mjs).
  const nativeBinding = process.env.GLIMMER_SQLITE_BINDING;
  const db = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? 5000, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    // Reads only, until we know the file is ours and not newer than this app.
    let version: number;
    let appId: number;
    let tables: number;
    try {
      version = schemaVersion(db);
      appId = db.pragma('application_id', { simple: true }) as number;
      tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    } catch (err) {
      throw refuse(file, `cannot be read as a database (${(err as Error).message}): it is damaged`, `Move it somewhere else or choose another data folder. ${REBUILD_ADVICE}`, {
        rebuildable: true,
      });
    }
    if (appId !== 0 && appId !== APPLICATION_ID) {
      throw refuse(file, 'belongs to another application', 'Choose another data folder for Glimmer Studio.');
    }
    if (version === 0 && tables > 0) {
      throw refuse(file, 'is an SQLite database of another application', 'Choose another data folder for Glimmer Studio.');
    }
    if (version > SCHEMA_VERSION) {
      throw refuse(
        file,
        `was made by a newer version of Glimmer Studio (library schema ${version}; this version knows up to ${SCHEMA_VERSION})`,
        'Update Glimmer Studio to open this library.',
        { schemaVersion: version, supported: SCHEMA_VERSION },
      );
    }
    db.pragma('journal_mode = WAL');
    // In WAL mode, NORMAL loses no committed transaction when the app crashes (only on power loss).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const pending = migrations.filter((m) => m.version > version && m.version <= target);
    if (pending.length > 0) {
      db.transaction(() => {
        for (const m of pending) {
          m.up(db);
          db.pragma(`user_version = ${m.version}`);
        }
      }).immediate();
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function databasePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), DB_FILE);
}

export { SCHEMA_VERSION };
