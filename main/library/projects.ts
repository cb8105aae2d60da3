/** Projects: create, rename, list (with counts and a cover), trash and restore with their generations. */
import type { Database } from 'better-sqlite3';
import { GlimmerError } from '../contract';
import { mediaPaths } from './rows';
import type { ImageFormat } from './store';
import type { Project } from './types';

interface ProjectRow {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  generation_count: number;
  cover_hash: string | null;
  cover_format: ImageFormat | null;
}

// Live projects count and show their live generations; a trashed project those trashed with it.
// Each branch walks one partial index newest-first (no sort), so listing stays cheap at any size.
const PROJECT_SELECT = `
  SELECT p.id, p.name, p.created_at, p.updated_at, p.deleted_at,
    CASE WHEN p.deleted_at IS NULL
      THEN (SELECT count(*) FROM generations g WHERE g.project_id = p.id AND g.deleted_at IS NULL)
      ELSE (SELECT count(*) FROM generations g WHERE g.project_id = p.id AND g.deleted_with_project = 1)
    END AS generation_count,
    c.image_hash AS cover_hash, (SELECT format FROM images WHERE hash = c.image_hash) AS cover_format
  FROM projects p
  LEFT JOIN generations c ON c.id = CASE WHEN p.deleted_at IS NULL
    THEN (SELECT g.id FROM generations g WHERE g.project_id = p.id AND g.deleted_at IS NULL AND g.image_hash IS NOT NULL
          ORDER BY g.id DESC LIMIT 1)
    ELSE (SELECT g.id FROM generations g WHERE g.project_id = p.id AND g.deleted_with_project = 1 AND g.image_hash IS NOT NULL
          ORDER BY g.id DESC LIMIT 1)
  END`;

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
    generationCount: row.generation_count,
    cover: row.cover_hash && row.cover_format ? mediaPaths(row.cover_hash, row.cover_format) : null,
  };
}

export function projectName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean.length < 1 || clean.length > 200) {
    throw new GlimmerError('bad_request', 'A project name needs 1 to 200 characters.');
  }
  return clean;
}

export function getProject(db: Database, id: number): Project {
  const row = db.prepare(`${PROJECT_SELECT} WHERE p.id = ?`).get(id) as ProjectRow | undefined;
  if (!row) throw new GlimmerError('not_found', `There is no project ${id}. It may have been deleted permanently.`);
  return toProject(row);
}

/** A live project id (not in the trash), or a clear error. */
export function requireLiveProject(db: Database, id: number): void {
  const row = db.prepare('SELECT deleted_at FROM projects WHERE id = ?').get(id) as { deleted_at: number | null } | undefined;
  if (!row) throw new GlimmerError('not_found', `There is no project ${id}.`);
  if (row.deleted_at !== null) throw new GlimmerError('conflict', 'That project is in the trash. Restore it first.');
}

export function listProjects(db: Database, options: { trashed?: boolean } = {}): Project[] {
  const rows = db
    .prepare(`${PROJECT_SELECT} WHERE p.deleted_at IS ${options.trashed ? 'NOT NULL' : 'NULL'} ORDER BY p.name COLLATE NOCASE, p.id`)
    .all() as ProjectRow[];
  return rows.map(toProject);
}

export function createProject(db: Database, name: string, now = Date.now()): Project {
  const info = db.prepare('INSERT INTO projects (name, created_at, updated_at) VALUES (?, ?, ?)').run(projectName(name), now, now);
  return getProject(db, Number(info.lastInsertRowid));
}

export function renameProject(db: Database, id: number, name: string, now = Date.now()): Project {
  const info = db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(projectName(name), now, id);
  if (info.changes === 0) throw new GlimmerError('not_found', `There is no project ${id}.`);
  return getProject(db, id);
}

/** Move the project and its live generations to the trash (recoverable until the trash is emptied). */
export function trashProject(db: Database, id: number, now = Date.now()): Project {
  db.transaction(() => {
    requireLiveProject(db, id);
    db.prepare('UPDATE projects SET deleted_at = ?, updated_at = ? WHERE id = ?').run(now, now, id);
    db.prepare(
      'UPDATE generations SET deleted_at = ?, deleted_with_project = 1 WHERE project_id = ? AND deleted_at IS NULL',
    ).run(now, id);
  }).immediate();
  return getProject(db, id);
}

export function restoreProject(db: Database, id: number, now = Date.now()): Project {
  db.transaction(() => {
    const row = db.prepare('SELECT deleted_at FROM projects WHERE id = ?').get(id) as { deleted_at: number | null } | undefined;
    if (!row) throw new GlimmerError('not_found', `There is no project ${id}; it may have been deleted permanently.`);
    if (row.deleted_at === null) return;
    db.prepare('UPDATE projects SET deleted_at = NULL, updated_at = ? WHERE id = ?').run(now, id);
    db.prepare(
      'UPDATE generations SET deleted_at = NULL, deleted_with_project = 0 WHERE project_id = ? AND deleted_with_project = 1',
    ).run(id);
  }).immediate();
  return getProject(db, id);
}
