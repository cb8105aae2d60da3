/**
 * library.* and projects.*: the library's shapes (what the API returns; times are ms since the epoch),
 * its request schemas, responses and events.
 */
import { z } from 'zod';
import { EmptyRequest, LIMITS } from './limits';
import { localPath, plainText } from './text';
import { type TextCheck, TextCheckFilter, type TextCheckStatus } from './text-check';
import { LibraryMode } from './vocabulary';

/** Image file formats the library stores. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';
/** Thumbnail sizes (longest side, pixels). */
export type ThumbSize = 256 | 512;

/**
 * Shapes are generic over the id type: the library works with SQLite's integer ids, the API
 * (this contract) carries the same shapes with string ids.
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

/**
 * Generations made together and kept as one group: best of N by text (the candidates of one request).
 * The best has rank 0 and stands for the group in searches; the others are its alternates, ranked
 * (1 = second best). Ranks are null until the group is complete and ranked.
 */
export interface GenerationGroupRef<Id = number> {
  id: Id;
  kind: 'best_of_text';
  /** Live generations in the group. */
  size: number;
  rank: number | null;
}
export interface GenerationGroup<Id = number> extends GenerationGroupRef<Id> {
  /** The group's live generations, best first (ranked), then any unranked in the order they were made. */
  members: Id[];
}
export type GenerationSource = 'generated' | 'imported';

export interface GenerationSummary<Id = number> {
  id: Id;
  createdAt: number;
  projectId: Id | null;
  parentId: Id | null;
  source: GenerationSource;
  status: GenerationStatus;
  mode: LibraryMode;
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
  /** The text check's verdict (null: not checked, e.g. the prompt quotes no text). */
  textCheck: TextCheckStatus | null;
  group: GenerationGroupRef<Id> | null;
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
  /**
   * The text check of its image (quoted strings read back, boxes, the lines read): stored beside the
   * recipe, not in the PNG. Null when none was made.
   */
  textCheckDetails: TextCheck | null;
  group: GenerationGroup<Id> | null;
}

/** The library's shapes (above), with the API's string ids. */
export type LibraryMedia = MediaPaths;
export type LibraryGenerationSummary = GenerationSummary<string>;
export type LibraryGeneration = Generation<string>;
export type LibraryProject = Project<string>;

/** One page of results, newest first; pass nextCursor back for the next page. */
export interface LibraryPage {
  items: LibraryGenerationSummary[];
  nextCursor: string | null;
}

const libraryId = z.string().regex(/^[1-9]\d{0,14}$/, 'must be a library id');
const libraryIds = z.array(libraryId).min(1).max(10_000);
const libraryTag = plainText(1, 64);
const libraryProjectName = plainText(1, 200);

export const LibrarySearchRequest = z
  .object({
    /** Plain text: every word must occur in the prompt or tags (operators and quotes are just text). */
    text: z.string().max(1000).optional(),
    /** A project, or null for generations in no project. */
    projectId: libraryId.nullable().optional(),
    favourite: z.boolean().optional(),
    minRating: z.number().int().min(0).max(5).optional(),
    tag: libraryTag.optional(),
    mode: LibraryMode.optional(),
    model: z.string().max(200).optional(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /** Image size in pixels. */
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    status: z.enum(['done', 'failed', 'cancelled']).optional(),
    /** The text check's verdict: every quoted string read as written ('ok'), or not ('issues'). */
    textCheck: TextCheckFilter.optional(),
    /** Also list the alternates of best-of-N groups (default: a group shows as its best). */
    alternates: z.boolean().optional(),
    /** created >= from (ms since the epoch) */
    from: z.number().int().optional(),
    /** created < to */
    to: z.number().int().optional(),
    limit: z.number().int().min(1).max(500).optional(),
    cursor: z.string().max(100).nullable().optional(),
  })
  .strict();

const libraryImportTarget = { projectId: libraryId.nullable().optional(), tags: z.array(libraryTag).max(100).optional() };
export const LibraryImportRequest = z.union([
  z.object({ dataBase64: z.string().min(1).max(LIMITS.maxRequestBytes), name: plainText(1, 260), ...libraryImportTarget }).strict(),
  z.object({ path: localPath, ...libraryImportTarget }).strict(),
]);

export const libraryMethods = {
  'library.search': { request: LibrarySearchRequest },
  'library.get': { request: z.object({ id: libraryId }).strict() },
  'library.update': {
    request: z
      .object({
        id: libraryId,
        favourite: z.boolean().optional(),
        rating: z.number().int().min(0).max(5).optional(),
        tags: z.array(libraryTag).max(100).optional(),
        projectId: libraryId.nullable().optional(),
      })
      .strict(),
  },
  /** One change to many (the gallery's bulk actions): favourite, rating, tags added or removed. */
  'library.updateMany': {
    request: z
      .object({
        ids: libraryIds,
        favourite: z.boolean().optional(),
        rating: z.number().int().min(0).max(5).optional(),
        addTags: z.array(libraryTag).max(100).optional(),
        removeTags: z.array(libraryTag).max(100).optional(),
      })
      .strict(),
  },
  'library.move': { request: z.object({ ids: libraryIds, projectId: libraryId.nullable() }).strict() },
  /** To the trash (recoverable until the trash is emptied). */
  'library.delete': { request: z.object({ ids: libraryIds }).strict() },
  'library.restore': { request: z.object({ ids: libraryIds }).strict() },
  /**
   * Read the quoted text of the prompt back from the image now (on the engine's thread, between jobs)
   * and store the result with the generation, replacing an earlier one.
   */
  'library.checkText': { request: z.object({ id: libraryId }).strict() },
  'library.tags': { request: EmptyRequest },
  'library.trash': { request: EmptyRequest },
  'library.emptyTrash': { request: EmptyRequest },
  'library.import': { request: LibraryImportRequest },
  /** A folder of PNGs (each with its recipe) + index.json, created inside `folder`: a board, or chosen images. */
  'library.export': {
    request: z.union([
      z.object({ projectId: libraryId, folder: localPath }).strict(),
      z.object({ ids: libraryIds, name: libraryProjectName.optional(), folder: localPath }).strict(),
    ]),
  },
  /**
   * Rebuild a damaged library (its database missing, empty or unreadable) from the image store: the
   * damaged file is kept aside, every stored image comes back with the recipe in it. Refused
   * (conflict) for a library that opens.
   */
  'library.rebuild': { request: EmptyRequest },
  'projects.list': { request: EmptyRequest },
  'projects.create': { request: z.object({ name: libraryProjectName }).strict() },
  'projects.rename': { request: z.object({ id: libraryId, name: libraryProjectName }).strict() },
  /** To the trash with its generations. */
  'projects.delete': { request: z.object({ id: libraryId }).strict() },
  'projects.restore': { request: z.object({ id: libraryId }).strict() },
} as const;

export interface LibraryResponses {
  'library.search': LibraryPage;
  'library.get': { generation: LibraryGeneration };
  'library.update': { generation: LibraryGeneration };
  'library.updateMany': { count: number };
  'library.move': { count: number };
  'library.delete': { count: number };
  'library.restore': { count: number };
  'library.checkText': { generation: LibraryGeneration };
  'library.tags': { tags: { name: string; count: number }[] };
  'library.trash': { projects: LibraryProject[]; generations: LibraryGenerationSummary[] };
  'library.emptyTrash': { generations: number; projects: number; filesRemoved: number };
  'library.import': { generation: LibraryGeneration };
  'library.export': { folder: string; files: number };
  'library.rebuild': { images: number; withRecipe: number; failed: string[]; keptAs: string | null };
  'projects.list': { projects: LibraryProject[] };
  'projects.create': { project: LibraryProject };
  'projects.rename': { project: LibraryProject };
  'projects.delete': { project: LibraryProject };
  'projects.restore': { project: LibraryProject };
}

export interface LibraryEvents {
  /** Generations or projects changed through the API (galleries refresh; new images also come with job.updated). */
  'library.changed': { kind: 'generations' | 'projects' | 'trash'; ids: string[] };
}
