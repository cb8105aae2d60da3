/**
 * Where the queue keeps its jobs: the library's jobs table (JobStore, survives restarts) or, when no
 * library is open (the CLI), the same operations in memory.
 */
import { GlimmerError } from '../../contract';
import type { JobRecord, JobState as StoredState } from '../../library';

export type { JobRecord, StoredState };

export interface JobRecordUpdate {
  state?: StoredState;
  error?: JobRecord['error'];
  generationId?: number | null;
}

/** The subset of the library's JobStore the queue uses. */
export interface QueueStore {
  add(id: string, request: unknown): JobRecord;
  get(id: string): JobRecord;
  list(states?: StoredState[]): JobRecord[];
  next(): JobRecord | undefined;
  update(id: string, update: JobRecordUpdate): JobRecord;
  /** 1-based place among queued jobs. */
  move(id: string, place: number): JobRecord[];
}

export class MemoryQueueStore implements QueueStore {
  private readonly jobs = new Map<string, JobRecord>();
  private nextPosition = 1;

  add(id: string, request: unknown, now = Date.now()): JobRecord {
    const job: JobRecord = {
      id,
      request: JSON.parse(JSON.stringify(request ?? null)) as unknown,
      state: 'queued',
      position: this.nextPosition++,
      createdAt: now,
      updatedAt: now,
      error: null,
      generationId: null,
    };
    this.jobs.set(id, job);
    return { ...job };
  }

  get(id: string): JobRecord {
    const j = this.jobs.get(id);
    if (!j) throw new GlimmerError('not_found', `There is no job ${id}.`);
    return { ...j };
  }

  list(states?: StoredState[]): JobRecord[] {
    return [...this.jobs.values()]
      .filter((j) => !states || states.length === 0 || states.includes(j.state))
      .sort((a, b) => a.position - b.position)
      .map((j) => ({ ...j }));
  }

  next(): JobRecord | undefined {
    return this.list(['queued'])[0];
  }

  update(id: string, update: JobRecordUpdate, now = Date.now()): JobRecord {
    const j = this.jobs.get(id);
    if (!j) throw new GlimmerError('not_found', `There is no job ${id}.`);
    if (update.state !== undefined) j.state = update.state;
    if (update.error !== undefined) j.error = update.error;
    if (update.generationId !== undefined) j.generationId = update.generationId;
    j.updatedAt = now;
    return { ...j };
  }

  move(id: string, place: number): JobRecord[] {
    const queued = this.list(['queued']);
    const from = queued.findIndex((j) => j.id === id);
    if (from < 0) throw new GlimmerError('conflict', 'Only a job that is still waiting can be moved.');
    const positions = queued.map((j) => j.position);
    const [moved] = queued.splice(from, 1);
    queued.splice(Math.max(0, Math.min(queued.length, Math.floor(place) - 1)), 0, moved!);
    queued.forEach((j, i) => (this.jobs.get(j.id)!.position = positions[i]!));
    return this.list(['queued']);
  }
}
