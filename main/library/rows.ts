/** Row shapes as SQLite returns them, and their mapping to the public types. */
import { type ImageFormat, THUMB_SIZES, type ThumbSize, imageRel, thumbRel } from './store';
import { LibraryMode, TextCheckStatus } from '../contract';
import type { GenerationSource, GenerationStatus, GenerationSummary, MediaPaths } from './types';

export function mediaPaths(hash: string, format: ImageFormat): MediaPaths {
  const thumbs = {} as Record<ThumbSize, string>;
  for (const size of THUMB_SIZES) thumbs[size] = `thumbs/${thumbRel(hash, size)}`;
  return { hash, format, image: `images/${imageRel(hash, format)}`, thumbs };
}

/** The columns every summary query selects (alias g for generations). */
export const SUMMARY_COLUMNS = `
  g.id, g.created_at, g.project_id, g.parent_id, g.source, g.status, g.mode, g.model, g.seed,
  g.width, g.height, g.steps, g.provider, g.prompt, g.favourite, g.rating, g.deleted_at, g.image_hash,
  (SELECT format FROM images WHERE hash = g.image_hash) AS image_format,
  (SELECT json_group_array(t.name) FROM generation_tags gt2 JOIN tags t ON t.id = gt2.tag_id
    WHERE gt2.generation_id = g.id) AS tags_json,
  g.text_check, g.group_id, g.group_rank,
  CASE WHEN g.group_id IS NULL THEN NULL ELSE (SELECT count(*) FROM generations m
    WHERE m.group_id = g.group_id AND m.deleted_at IS NULL) END AS group_size`;

export interface SummaryRow {
  id: number;
  created_at: number;
  project_id: number | null;
  parent_id: number | null;
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
  favourite: number;
  rating: number;
  deleted_at: number | null;
  image_hash: string | null;
  image_format: ImageFormat | null;
  tags_json: string;
  text_check: string | null;
  group_id: number | null;
  group_rank: number | null;
  group_size: number | null;
}

export function toSummary(row: SummaryRow): GenerationSummary {
  const tags = (JSON.parse(row.tags_json) as string[]).sort((a, b) => a.localeCompare(b));
  return {
    id: row.id,
    createdAt: row.created_at,
    projectId: row.project_id,
    parentId: row.parent_id,
    source: row.source,
    status: row.status,
    mode: LibraryMode.safeParse(row.mode).data ?? 'import',
    model: row.model,
    seed: row.seed,
    width: row.width,
    height: row.height,
    steps: row.steps,
    provider: row.provider,
    prompt: row.prompt,
    favourite: row.favourite === 1,
    rating: row.rating,
    tags,
    media: row.image_hash && row.image_format ? mediaPaths(row.image_hash, row.image_format) : null,
    deletedAt: row.deleted_at,
    textCheck: TextCheckStatus.safeParse(row.text_check).data ?? null,
    group: row.group_id === null ? null : { id: row.group_id, kind: 'best_of_text', size: row.group_size ?? 0, rank: row.group_rank },
  };
}
