/** Where the queue keeps its jobs: the library's jobs table (JobStore, survives restarts). */
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
