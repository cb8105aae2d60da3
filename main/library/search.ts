/**
 * Search and filter, newest first, keyset-paginated. The query is driven from the most selective
 * structure available, walked in id order so no result set is ever sorted:
 *   text   → the FTS5 index (rowid descending), each hit joined to its row by primary key;
 *   tag    → the tag's (tag_id, generation_id) primary key;
 *   else   → an index on generations (deleted_at / project / mode / model / ...), which ends in rowid.
 * The other filters are checked on the joined row.
 */
import type { Database } from 'better-sqlite3';
import { GlimmerError } from '../contract';
import { decodeCursor, encodeCursor } from './cursor';
import { toFtsQuery } from './fts-query';
import { SUMMARY_COLUMNS, type SummaryRow, toSummary } from './rows';
import type { GenerationSummary, Page, SearchQuery } from './types';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

export interface BuiltQuery {
  sql: string;
  params: unknown[];
  limit: number;
  /** True when the query cannot match anything (an unknown tag, an empty date range). */
  empty: boolean;
}

export function buildSearch(db: Database, query: SearchQuery): BuiltQuery {
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(query.limit ?? DEFAULT_PAGE)));
  const where: string[] = ['g.deleted_at IS NULL'];
  const params: unknown[] = [];
  let from = 'generations g';
  let orderKey = 'g.id';
  let empty = false;

  // Text without a single word (only punctuation, quotes, spaces) filters nothing.
  const text = query.text ? toFtsQuery(query.text) : undefined;

  let tagId: number | undefined;
  if (query.tag !== undefined) {
    const row = db.prepare('SELECT id FROM tags WHERE name = ?').get(query.tag.trim()) as { id: number } | undefined;
    if (!row) empty = true;
    else tagId = row.id;
  }

  if (text !== undefined) {
    // CROSS JOIN fixes the join order: FTS first, rows by primary key.
    from = 'generations_fts f CROSS JOIN generations g ON g.id = f.rowid';
    where.unshift('generations_fts MATCH ?');
    params.push(text);
    orderKey = 'f.rowid';
    if (tagId !== undefined) {
      where.push('EXISTS (SELECT 1 FROM generation_tags gt WHERE gt.tag_id = ? AND gt.generation_id = g.id)');
      params.push(tagId);
    }
  } else if (tagId !== undefined) {
    from = 'generation_tags gt CROSS JOIN generations g ON g.id = gt.generation_id';
    where.unshift('gt.tag_id = ?');
    params.push(tagId);
    orderKey = 'gt.generation_id';
  }

  if (query.projectId === null) where.push('g.project_id IS NULL');
  else if (query.projectId !== undefined) {
    where.push('g.project_id = ?');
    params.push(query.projectId);
  }
  if (query.favourite !== undefined) {
    where.push('g.favourite = ?');
    params.push(query.favourite ? 1 : 0);
  }
  if (query.minRating !== undefined && query.minRating > 0) {
    where.push('g.rating >= ?');
    params.push(query.minRating);
  }
  for (const [key, column] of [['mode', 'mode'], ['model', 'model'], ['seed', 'seed'], ['width', 'width'], ['height', 'height'], ['status', 'status']] as const) {
    const value = query[key];
    if (value !== undefined) {
      where.push(`g.${column} = ?`);
      params.push(value);
    }
  }
  if (query.textCheck !== undefined) {
    // walks generations_text_check (the verdict's partial index), which ends in the rowid
    where.push('g.text_check = ?');
    params.push(query.textCheck);
  }
  if (!query.alternates) {
    // a ranked best-of-N group shows as its best; its alternates stand in only while the best is gone
    where.push(`(g.group_rank IS NULL OR g.group_rank = 0 OR NOT EXISTS (
      SELECT 1 FROM generations b WHERE b.group_id = g.group_id AND b.group_rank = 0 AND b.deleted_at IS NULL))`);
  }
  if (query.from !== undefined || query.to !== undefined) {
    // Narrow the walk to the ids that can be in the date range (min/max id over the range, read from
    // the created_at index), then check the dates exactly. Ids follow time closely, so the walk is short.
    const range: string[] = [];
    const rangeParams: number[] = [];
    if (query.from !== undefined) {
      range.push('created_at >= ?');
      rangeParams.push(query.from);
    }
    if (query.to !== undefined) {
      range.push('created_at < ?');
      rangeParams.push(query.to);
    }
    const bounds = db
      .prepare(`SELECT min(id) AS lo, max(id) AS hi FROM generations INDEXED BY generations_created WHERE deleted_at IS NULL AND ${range.join(' AND ')}`)
      .get(...rangeParams) as { lo: number | null; hi: number | null };
    if (bounds.lo === null || bounds.hi === null) empty = true;
    else {
      where.push(`${orderKey} BETWEEN ? AND ?`, ...range.map((r) => `g.${r}`));
      params.push(bounds.lo, bounds.hi, ...rangeParams);
    }
  }
  if (query.cursor) {
    where.push(`${orderKey} < ?`);
    params.push(decodeCursor(query.cursor));
  }
  const sql = `SELECT ${SUMMARY_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${orderKey} DESC LIMIT ?`;
  params.push(limit + 1);
  return { sql, params, limit, empty };
}

export function search(db: Database, query: SearchQuery): Page<GenerationSummary> {
  const built = buildSearch(db, query);
  if (built.empty) return { items: [], nextCursor: null };
  let rows: SummaryRow[];
  try {
    rows = db.prepare(built.sql).all(...built.params) as SummaryRow[];
  } catch (err) {
    // The query text is sanitised, so this is not the user's fault; say so plainly.
    throw new GlimmerError('internal', `The search could not run (${(err as Error).message}).`);
  }
  const more = rows.length > built.limit;
  const items = rows.slice(0, built.limit).map(toSummary);
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1].id) : null };
}

/** EXPLAIN QUERY PLAN of a search, one line per step (for diagnostics and the index test). */
export function explainSearch(db: Database, query: SearchQuery): string[] {
  const built = buildSearch(db, query);
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${built.sql}`).all(...built.params) as Array<{ detail: string }>;
  return rows.map((r) => r.detail);
}
