/** The library's public data shapes (what the API returns). Times are ms since the epoch. */
import type { ImageFormat, ThumbSize } from './store';

/**
 * Shapes are generic over the id type: the library works with SQLite's integer ids, the API
 * (main/api/contract.ts) carries the same shapes with string ids.
 */
export interface Project<Id = number> {
  id: Id;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** Set while the project is in the trash. */
  deletedAt: number | null;
  /** Live (not trashed) generations in it. */
  generationCount: number;
  /** Newest image in it, for a cover. */
  cover: MediaPaths | null;
}

/**
 * Media paths, relative to the media protocol: prefix with `glimmer-media://` (Electron) or
 * `/media/` (serve). They are immutable (content-addressed), so they cache forever.
 */
export interface MediaPaths {
  hash: string;
  format: ImageFormat;
  image: string;
  thumbs: Record<ThumbSize, string>;
}

export type GenerationStatus = 'done' | 'failed' | 'cancelled';
export type GenerationSource = 'generated' | 'imported';

export interface GenerationSummary<Id = number> {
  id: Id;
  createdAt: number;
  projectId: Id | null;
  parentId: Id | null;
  source: GenerationSource;
  status: GenerationStatus;
  mode: string;
  model: string | null;
  seed: number | null;
  width: number;
  height: number;
  steps: number | null;
  provider: string | null;
  prompt: string;
  favourite: boolean;
  rating: number;
  tags: string[];
  media: MediaPaths | null;
  deletedAt: number | null;
}

export interface GenerationReference {
  position: number;
  role: string;
  media: MediaPaths;
}

export interface Generation<Id = number> extends GenerationSummary<Id> {
  negativePrompt: string;
  /** The full recipe as the engine wrote it (null for an imported image without one). */
  recipe: Record<string, unknown> | null;
  timings: Record<string, number> | null;
  jobId: string | null;
  references: GenerationReference[];
  /** Edits made from this one (newest first, at most 100). */
  children: Id[];
}

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
