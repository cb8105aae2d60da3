/** Tags: names are trimmed, case-insensitive, 1-64 characters; a generation has any number of them. */
import type { Database } from 'better-sqlite3';
import { GlimmerError } from '../contract';
import type { TagCount } from './types';

export function tagName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean.length < 1 || clean.length > 64) throw new GlimmerError('bad_request', 'A tag needs 1 to 64 characters.');
  return clean;
}

function tagId(db: Database, name: string, now: number): number {
  const found = db.prepare('SELECT id FROM tags WHERE name = ?').get(name) as { id: number } | undefined;
  if (found) return found.id;
  return Number(db.prepare('INSERT INTO tags (name, created_at) VALUES (?, ?)').run(name, now).lastInsertRowid);
}

/** Replace a generation's tags (call inside a transaction). */
export function setTags(db: Database, generationId: number, names: string[], now = Date.now()): void {
  const wanted = new Map<string, string>();
  for (const n of names) {
    const clean = tagName(n);
    if (!wanted.has(clean.toLowerCase())) wanted.set(clean.toLowerCase(), clean);
  }
  if (wanted.size > 100) throw new GlimmerError('bad_request', 'A generation can have at most 100 tags.');
  const current = db
    .prepare('SELECT t.id, t.name FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id WHERE gt.generation_id = ?')
    .all(generationId) as Array<{ id: number; name: string }>;
  const del = db.prepare('DELETE FROM generation_tags WHERE tag_id = ? AND generation_id = ?');
  for (const t of current) {
    if (!wanted.has(t.name.toLowerCase())) del.run(t.id, generationId);
    else wanted.delete(t.name.toLowerCase());
  }
  const add = db.prepare('INSERT OR IGNORE INTO generation_tags (tag_id, generation_id) VALUES (?, ?)');
  for (const name of wanted.values()) add.run(tagId(db, name, now), generationId);
}

/**
 * Tags with how many live generations carry them. Counted as all links (a range count on the
 * (tag_id, generation_id) key) minus the links of trashed generations (few, found through the
 * deleted_at index), instead of looking up every tagged row.
 */
export function listTags(db: Database): TagCount[] {
  return db
    .prepare(
      `WITH trashed AS (
         SELECT gt.tag_id, count(*) AS n FROM generations g
         CROSS JOIN generation_tags gt ON gt.generation_id = g.id
         WHERE g.deleted_at IS NOT NULL GROUP BY gt.tag_id)
       SELECT name, count FROM (
         SELECT t.name,
           (SELECT count(*) FROM generation_tags gt WHERE gt.tag_id = t.id)
             - coalesce((SELECT n FROM trashed WHERE trashed.tag_id = t.id), 0) AS count
         FROM tags t)
       WHERE count > 0 ORDER BY name COLLATE NOCASE`,
    )
    .all() as TagCount[];
}
