/** Generation rows: insert (inside the caller's transaction), read, update, move, trash and restore. */
import type { Database } from 'better-sqlite3';
import { GlimmerError, parseTextCheck, type TextCheck } from '../contract';
import { requireLiveProject } from './projects';
import { SUMMARY_COLUMNS, type SummaryRow, mediaPaths, toSummary } from './rows';
import type { ImageFormat } from './store';
import { searchableText } from './search-text';
import { setTags } from './tags';
import type { Generation, GenerationSource, GenerationStatus, GenerationSummary } from './types';

export interface ImageRow {
  hash: string;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
}

export interface GenerationRow {
  createdAt: number;
  projectId: number | null;
  parentId: number | null;
  imageHash: string | null;
  source: GenerationSource;
  status: GenerationStatus;
  mode: string;
  model: string | null;
  seed: number | null;
  width: number;
  height: number;
  steps: number | null;
  provider: string | null;
  timings: Record<string, number> | null;
  prompt: string;
  negativePrompt: string;
  recipe: Record<string, unknown> | null;
  jobId: string | null;
  favourite?: boolean;
  rating?: number;
  tags?: string[];
  references?: Array<{ hash: string; role: string }>;
  /** The image's text check (stored beside the row). */
  textCheck?: TextCheck | null;
  /** The group it belongs to (best of N), and its rank there when already known. */
  groupId?: number | null;
  groupRank?: number | null;
}

export function insertImageRow(db: Database, image: ImageRow, now: number): void {
  db.prepare('INSERT OR IGNORE INTO images (hash, format, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    image.hash,
    image.format,
    image.width,
    image.height,
    image.bytes,
    now,
  );
}

/** Insert one generation (the caller holds a transaction and has inserted its image rows). */
export function insertGenerationRow(db: Database, g: GenerationRow): number {
  if (g.projectId !== null) requireLiveProject(db, g.projectId);
  if (g.parentId !== null && !db.prepare('SELECT 1 FROM generations WHERE id = ?').get(g.parentId)) {
    throw new GlimmerError('not_found', `The parent generation ${g.parentId} does not exist.`);
  }
  const info = db
    .prepare(
      `INSERT INTO generations (created_at, project_id, parent_id, image_hash, source, status, mode, model, seed,
         width, height, steps, provider, timings, prompt, prompt_search, negative_prompt, job_id, favourite, rating,
         group_id, group_rank)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      g.createdAt,
      g.projectId,
      g.parentId,
      g.imageHash,
      g.source,
      g.status,
      g.mode,
      g.model,
      g.seed,
      g.width,
      g.height,
      g.steps,
      g.provider,
      g.timings ? JSON.stringify(g.timings) : null,
      g.prompt,
      searchableText(g.prompt),
      g.negativePrompt,
      g.jobId,
      g.favourite ? 1 : 0,
      g.rating ?? 0,
      g.groupId ?? null,
      g.groupRank ?? null,
    );
  const id = Number(info.lastInsertRowid);
  if (g.recipe) db.prepare('INSERT INTO generation_recipes (generation_id, recipe) VALUES (?, ?)').run(id, JSON.stringify(g.recipe));
  const ref = db.prepare('INSERT INTO generation_refs (generation_id, position, image_hash, role) VALUES (?, ?, ?, ?)');
  (g.references ?? []).forEach((r, i) => ref.run(id, i, r.hash, r.role));
  if (g.tags && g.tags.length > 0) setTags(db, id, g.tags, g.createdAt);
  if (g.textCheck) writeTextCheck(db, id, g.textCheck);
  return id;
}

/** Store (or replace) a generation's text check: the verdict on its row, the whole result beside it. */
export function writeTextCheck(db: Database, id: number, check: TextCheck): void {
  const parsed = parseTextCheck(check);
  if (!parsed) throw new GlimmerError('bad_request', 'The text check is not valid and was not stored.');
  db.prepare('UPDATE generations SET text_check = ? WHERE id = ?').run(parsed.status, id);
  db.prepare(
    `INSERT INTO generation_text_checks (generation_id, result, checked_at) VALUES (?, ?, ?)
     ON CONFLICT(generation_id) DO UPDATE SET result = excluded.result, checked_at = excluded.checked_at`,
  ).run(id, JSON.stringify(parsed), parsed.checkedAt);
}

export function setTextCheck(db: Database, id: number, check: TextCheck): Generation {
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM generations WHERE id = ?').get(id)) throw new GlimmerError('not_found', `There is no generation ${id}.`);
    writeTextCheck(db, id, check);
  }).immediate();
  return getGeneration(db, id);
}

/** A new group of generations made together (best of N by text). */
export function createGroup(db: Database, kind: 'best_of_text', now = Date.now()): number {
  return Number(db.prepare('INSERT INTO generation_groups (kind, created_at) VALUES (?, ?)').run(kind, now).lastInsertRowid);
}

/** Ranks a group's generations: `ids` best first (rank 0, 1, …); members not named keep no rank. */
export function rankGroup(db: Database, groupId: number, ids: readonly number[]): void {
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM generation_groups WHERE id = ?').get(groupId)) throw new GlimmerError('not_found', `There is no group ${groupId}.`);
    db.prepare('UPDATE generations SET group_rank = NULL WHERE group_id = ?').run(groupId);
    const set = db.prepare('UPDATE generations SET group_rank = ? WHERE id = ? AND group_id = ?');
    ids.forEach((id, rank) => {
      if (set.run(rank, id, groupId).changes !== 1) throw new GlimmerError('bad_request', `Generation ${id} is not in group ${groupId}.`);
    });
  }).immediate();
}

interface DetailRow extends SummaryRow {
  negative_prompt: string;
  recipe: string | null;
  timings: string | null;
  job_id: string | null;
  text_check_result: string | null;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function getGeneration(db: Database, id: number): Generation {
  const row = db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS}, g.negative_prompt, g.timings, g.job_id,
         (SELECT recipe FROM generation_recipes WHERE generation_id = g.id) AS recipe,
         (SELECT result FROM generation_text_checks WHERE generation_id = g.id) AS text_check_result
       FROM generations g WHERE g.id = ?`,
    )
    .get(id) as DetailRow | undefined;
  if (!row) throw new GlimmerError('not_found', `There is no generation ${id}. It may have been deleted permanently.`);
  const refs = db
    .prepare(
      `SELECT r.position, r.role, r.image_hash AS hash, i.format FROM generation_refs r JOIN images i ON i.hash = r.image_hash
       WHERE r.generation_id = ? ORDER BY r.position`,
    )
    .all(id) as Array<{ position: number; role: string; hash: string; format: ImageFormat }>;
  const children = db
    .prepare('SELECT id FROM generations WHERE parent_id = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT 100')
    .all(id) as Array<{ id: number }>;
  const summary = toSummary(row);
  const members = summary.group
    ? (db
        .prepare('SELECT id FROM generations WHERE group_id = ? AND deleted_at IS NULL ORDER BY group_rank IS NULL, group_rank, id')
        .all(summary.group.id) as Array<{ id: number }>)
    : [];
  return {
    ...summary,
    negativePrompt: row.negative_prompt,
    recipe: row.recipe ? (JSON.parse(row.recipe) as Record<string, unknown>) : null,
    timings: row.timings ? (JSON.parse(row.timings) as Record<string, number>) : null,
    jobId: row.job_id,
    references: refs.map((r) => ({ position: r.position, role: r.role, media: mediaPaths(r.hash, r.format) })),
    children: children.map((c) => c.id),
    // a stored check that does not parse (written by a later version, damaged) is left out, not shown wrong
    textCheckDetails: parseTextCheck(parseJson(row.text_check_result)) ?? null,
    group: summary.group ? { ...summary.group, members: members.map((m) => m.id) } : null,
  };
}

export interface GenerationPatch {
  favourite?: boolean;
  rating?: number;
  tags?: string[];
  projectId?: number | null;
}

export function updateGeneration(db: Database, id: number, patch: GenerationPatch): Generation {
  db.transaction(() => {
    const exists = db.prepare('SELECT deleted_at FROM generations WHERE id = ?').get(id) as { deleted_at: number | null } | undefined;
    if (!exists) throw new GlimmerError('not_found', `There is no generation ${id}.`);
    if (patch.favourite !== undefined) db.prepare('UPDATE generations SET favourite = ? WHERE id = ?').run(patch.favourite ? 1 : 0, id);
    if (patch.rating !== undefined) {
      if (!Number.isInteger(patch.rating) || patch.rating < 0 || patch.rating > 5) {
        throw new GlimmerError('bad_request', 'A rating is a whole number from 0 (none) to 5.');
      }
      db.prepare('UPDATE generations SET rating = ? WHERE id = ?').run(patch.rating, id);
    }
    if (patch.tags !== undefined) setTags(db, id, patch.tags);
    if (patch.projectId !== undefined) moveRows(db, [id], patch.projectId);
  }).immediate();
  return getGeneration(db, id);
}

/** One change made to many generations (the gallery's bulk actions): favourite, rating, tags added or removed. */
export interface BulkPatch {
  favourite?: boolean;
  rating?: number;
  addTags?: string[];
  removeTags?: string[];
}

/** Applies `patch` to every live generation of `ids` in one transaction; returns how many it changed. */
export function updateGenerations(db: Database, ids: number[], patch: BulkPatch): number {
  if (patch.rating !== undefined && (!Number.isInteger(patch.rating) || patch.rating < 0 || patch.rating > 5)) {
    throw new GlimmerError('bad_request', 'A rating is a whole number from 0 (none) to 5.');
  }
  const removing = new Set((patch.removeTags ?? []).map((t) => t.trim().toLowerCase()));
  return db
    .transaction(() => {
      const live = db.prepare('SELECT 1 FROM generations WHERE id = ? AND deleted_at IS NULL');
      const fav = db.prepare('UPDATE generations SET favourite = ? WHERE id = ?');
      const rate = db.prepare('UPDATE generations SET rating = ? WHERE id = ?');
      const tagsOf = db.prepare('SELECT t.name FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id WHERE gt.generation_id = ?');
      let changed = 0;
      for (const id of ids) {
        if (!live.get(id)) continue;
        if (patch.favourite !== undefined) fav.run(patch.favourite ? 1 : 0, id);
        if (patch.rating !== undefined) rate.run(patch.rating, id);
        if (patch.addTags?.length || removing.size > 0) {
          const current = (tagsOf.all(id) as Array<{ name: string }>).map((r) => r.name);
          setTags(db, id, [...current.filter((t) => !removing.has(t.toLowerCase())), ...(patch.addTags ?? [])]);
        }
        changed++;
      }
      return changed;
    })
    .immediate();
}

function moveRows(db: Database, ids: number[], projectId: number | null): number {
  if (projectId !== null) requireLiveProject(db, projectId);
  const move = db.prepare('UPDATE generations SET project_id = ?, deleted_with_project = 0 WHERE id = ?');
  let changed = 0;
  for (const id of ids) changed += move.run(projectId, id).changes;
  return changed;
}

export function moveGenerations(db: Database, ids: number[], projectId: number | null): number {
  return db.transaction(() => moveRows(db, ids, projectId)).immediate();
}

export function trashGenerations(db: Database, ids: number[], now = Date.now()): number {
  const stmt = db.prepare('UPDATE generations SET deleted_at = ?, deleted_with_project = 0 WHERE id = ? AND deleted_at IS NULL');
  return db.transaction(() => ids.reduce((n, id) => n + stmt.run(now, id).changes, 0)).immediate();
}

/** Back from the trash; a generation whose project is still in the trash comes back without a project. */
export function restoreGenerations(db: Database, ids: number[]): number {
  const get = db.prepare(
    `SELECT g.deleted_at, g.project_id, p.deleted_at AS project_deleted_at FROM generations g
     LEFT JOIN projects p ON p.id = g.project_id WHERE g.id = ?`,
  );
  const restore = db.prepare('UPDATE generations SET deleted_at = NULL, deleted_with_project = 0, project_id = ? WHERE id = ?');
  return db
    .transaction(() => {
      let n = 0;
      for (const id of ids) {
        const row = get.get(id) as { deleted_at: number | null; project_id: number | null; project_deleted_at: number | null } | undefined;
        if (!row || row.deleted_at === null) continue;
        n += restore.run(row.project_deleted_at === null ? row.project_id : null, id).changes;
      }
      return n;
    })
    .immediate();
}

export function listTrashedGenerations(db: Database, limit: number): GenerationSummary[] {
  const rows = db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM generations g WHERE g.deleted_at IS NOT NULL AND g.deleted_with_project = 0
       ORDER BY g.deleted_at DESC, g.id DESC LIMIT ?`,
    )
    .all(limit) as SummaryRow[];
  return rows.map(toSummary);
}

/**
 * Delete everything in the trash for good (one transaction). Returns the images no longer used by
 * anything, whose files the caller then removes.
 */
export function purgeTrash(db: Database): { generations: number; projects: number; orphans: Array<{ hash: string; format: ImageFormat }> } {
  return db
    .transaction(() => {
      const doomed = `SELECT id FROM generations WHERE deleted_at IS NOT NULL
        OR project_id IN (SELECT id FROM projects WHERE deleted_at IS NOT NULL)`;
      const hashes = db
        .prepare(
          `SELECT image_hash AS hash FROM generations WHERE id IN (${doomed}) AND image_hash IS NOT NULL
           UNION SELECT image_hash FROM generation_refs WHERE generation_id IN (${doomed})`,
        )
        .all() as Array<{ hash: string }>;
      const generations = db.prepare(`DELETE FROM generations WHERE id IN (${doomed})`).run().changes;
      db.prepare('DELETE FROM generation_groups WHERE NOT EXISTS (SELECT 1 FROM generations WHERE group_id = generation_groups.id)').run();
      const projects = db.prepare('DELETE FROM projects WHERE deleted_at IS NOT NULL').run().changes;
      const orphans: Array<{ hash: string; format: ImageFormat }> = [];
      const used = db.prepare(
        'SELECT EXISTS (SELECT 1 FROM generations WHERE image_hash = ?) OR EXISTS (SELECT 1 FROM generation_refs WHERE image_hash = ?) AS used',
      );
      const del = db.prepare('DELETE FROM images WHERE hash = ? RETURNING format');
      for (const { hash } of hashes) {
        if ((used.get(hash, hash) as { used: number }).used) continue;
        const row = del.get(hash) as { format: ImageFormat } | undefined;
        if (row) orphans.push({ hash, format: row.format });
      }
      return { generations, projects, orphans };
    })
    .immediate();
}
