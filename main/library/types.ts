/**
 * The library's own shapes: search queries, pages, the stored job queue. The shapes it returns
 * (generations, projects, media) are the contract's, with integer ids here.
 */
import type { GenerationStatus, GenerationSummary, Project, TextCheckFilter } from '../contract';

export type * from '../contract/library';

export interface SearchQuery {
  /** Plain text; every word must occur in the prompt or tags (the last one as a prefix). */
  text?: string;
  /** A project id, or null for generations in no project. */
  projectId?: number | null;
  favourite?: boolean;
  minRating?: number;
  tag?: string;
  mode?: string;
  model?: string;
  seed?: number;
  /** Image size in pixels (both or either). */
  width?: number;
  height?: number;
  status?: GenerationStatus;
  /** The text check's verdict. */
  textCheck?: TextCheckFilter;
  /** Also list the alternates of best-of-N groups (default false: a ranked group shows as its best). */
  alternates?: boolean;
  /** created_at >= from */
  from?: number;
  /** created_at < to */
  to?: number;
  /** Page size (default 50, at most 500). */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TagCount {
  name: string;
  count: number;
}

export interface TrashContents {
  projects: Project[];
  generations: GenerationSummary[];
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobRecord {
  id: string;
  request: unknown;
  state: JobState;
  position: number;
  createdAt: number;
  updatedAt: number;
  error: { code: string; message: string; details?: unknown } | null;
  generationId: number | null;
}
