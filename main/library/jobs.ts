/**
 * The engine's job queue, persisted: a job survives a restart. Jobs that were running when the app
 * stopped are marked 'interrupted' at start (markInterrupted), so the engine can offer to re-run them.
 * The queue logic (what runs next, cancelling) is the engine's; this is its storage.
 */
import type { Database } from 'better-sqlite3';
import { GlimmerError } from '../contract';
import type { JobRecord, JobState } from './types';

interface JobRow {
  id: string;
  request: string;
  state: JobState;
  position: number;
  created_at: number;
  updated_at: number;
  error: string | null;
  generation_id: number | null;
}

const FINISHED: JobState[] = ['done', 'failed', 'cancelled', 'interrupted'];

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    request: JSON.parse(row.request) as unknown,
    state: row.state,
    position: row.position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    error: row.error ? (JSON.parse(row.error) as JobRecord['error']) : null,
    generationId: row.generation_id,
  };
}

export interface JobUpdate {
  state?: JobState;
  error?: JobRecord['error'];
  generationId?: number | null;
}

export class JobStore {
  constructor(private readonly db: Database) {}

  add(id: string, request: unknown, now = Date.now()): JobRecord {
    if (!/^[\w.-]{1,100}$/.test(id)) throw new GlimmerError('bad_request', 'A job id is 1-100 letters, digits, dots, dashes or underscores.');
    const json = JSON.stringify(request ?? null);
    this.db
      .transaction(() => {
        const next = (this.db.prepare('SELECT coalesce(max(position), 0) + 1 AS p FROM jobs').get() as { p: number }).p;
        this.db
          .prepare("INSERT INTO jobs (id, request, state, position, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?)")
          .run(id, json, next, now, now);
      })
      .immediate();
    return this.get(id);
  }

  get(id: string): JobRecord {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) throw new GlimmerError('not_found', `There is no job ${id}.`);
    return toJob(row);
  }

  /** Jobs in queue order, optionally only some states. */
  list(states?: JobState[]): JobRecord[] {
    const rows =
      states && states.length > 0
        ? (this.db
            .prepare(`SELECT * FROM jobs WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY position`)
            .all(...states) as JobRow[])
        : (this.db.prepare('SELECT * FROM jobs ORDER BY position').all() as JobRow[]);
    return rows.map(toJob);
  }

  /** The queued job to run next, if any. */
  next(): JobRecord | undefined {
    const row = this.db.prepare("SELECT * FROM jobs WHERE state = 'queued' ORDER BY position LIMIT 1").get() as JobRow | undefined;
    return row ? toJob(row) : undefined;
  }

  update(id: string, update: JobUpdate, now = Date.now()): JobRecord {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [now];
    if (update.state !== undefined) {
      sets.push('state = ?');
      params.push(update.state);
    }
    if (update.error !== undefined) {
      sets.push('error = ?');
      params.push(update.error === null ? null : JSON.stringify(update.error));
    }
    if (update.generationId !== undefined) {
      sets.push('generation_id = ?');
      params.push(update.generationId);
    }
    const info = this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
    if (info.changes === 0) throw new GlimmerError('not_found', `There is no job ${id}.`);
    return this.get(id);
  }

  /** Put a job at a 1-based place among the queued jobs (others shift). */
  move(id: string, place: number, now = Date.now()): JobRecord[] {
    this.db
      .transaction(() => {
        const queued = this.db.prepare("SELECT id FROM jobs WHERE state = 'queued' ORDER BY position").all() as Array<{ id: string }>;
        const ids = queued.map((r) => r.id);
        const from = ids.indexOf(id);
        if (from < 0) throw new GlimmerError('conflict', 'Only a job that is still waiting can be moved.');
        ids.splice(from, 1);
        ids.splice(Math.max(0, Math.min(ids.length, Math.floor(place) - 1)), 0, id);
        const positions = (
          this.db.prepare("SELECT position FROM jobs WHERE state = 'queued' ORDER BY position").all() as Array<{ position: number }>
        ).map((r) => r.position);
        const set = this.db.prepare('UPDATE jobs SET position = ?, updated_at = ? WHERE id = ?');
        ids.forEach((jobId, i) => set.run(positions[i], now, jobId));
      })
      .immediate();
    return this.list(['queued']);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
  }

  /** At start: every job still 'running' was cut off by a stop or crash. Returns how many. */
  markInterrupted(now = Date.now()): number {
    return this.db
      .prepare(
        `UPDATE jobs SET state = 'interrupted', updated_at = ?,
           error = json_object('code', 'cancelled', 'message', 'Glimmer Studio stopped while this job was running. Run it again to finish it.')
         WHERE state = 'running'`,
      )
      .run(now).changes;
  }

  /** Forget finished jobs last updated before `before`. */
  pruneFinished(before: number): number {
    return this.db
      .prepare(`DELETE FROM jobs WHERE state IN (${FINISHED.map(() => '?').join(',')}) AND updated_at < ?`)
      .run(...FINISHED, before).changes;
  }
}
