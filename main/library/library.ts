/**
 * The library: one SQLite database (history, projects, tags, trash, job queue) and one
 * content-addressed image store, under a data folder. Image files are written (atomically) before
 * the rows that point at them are committed, so a committed row always has its file; a crash in
 * between leaves at most an unreferenced complete file, which gcOrphanFiles() removes.
 */
import { mkdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { GlimmerError } from '../contract';
import { databasePath, openDatabase, schemaVersion } from './db/open';
import { exportGenerations as exportGenerationsTo, exportProject as exportProjectTo, type ExportResult } from './export';
import {
  createGroup,
  type GenerationPatch,
  getGeneration,
  insertGenerationRow,
  insertImageRow,
  listTrashedGenerations,
  moveGenerations,
  updateGenerations,
  type BulkPatch,
  purgeTrash,
  rankGroup,
  restoreGenerations,
  setTextCheck,
  trashGenerations,
  updateGeneration,
} from './generations';
import { type ImageInput, generatedPng } from './image-input';
import { type ImportInput, type ImportOptions, prepareImport } from './import';
import { damagedLibraryProblem, rebuildLibrary as rebuildFrom, type RebuildReport } from './rebuild';
import { JobStore } from './jobs';
import { createProject, getProject, listProjects, renameProject, requireLiveProject, restoreProject, trashProject } from './projects';
import { StoredRecipe, type TextCheck } from '../contract';
import { explainSearch, search } from './search';
import { type ImageFormat, ImageStore, THUMB_SIZES, type ThumbSize, inspectHeader, isHash, makeThumbnails, sha256 } from './store';
import { listTags } from './tags';
import type { Generation, GenerationStatus, GenerationSummary, Page, Project, SearchQuery, TagCount, TrashContents } from './types';

export interface OpenLibraryOptions {
  /** Tests: build an older schema by applying migrations only up to this version. */
  upTo?: number;
  /** Mark jobs left 'running' by a previous run as 'interrupted' (default true). */
  markInterrupted?: boolean;
  /** Tests: called after an image's files are written and before its row is committed. */
  beforeCommit?: () => Promise<void>;
  /** rebuildLibrary: open a new database although the image store holds images. */
  rebuilding?: boolean;
}

export interface OpenReport {
  schemaVersion: number;
  /** Temporary files a crashed writer had left, removed at open. */
  tempFilesRemoved: number;
  /** Jobs that were running when the app last stopped. */
  interruptedJobs: number;
}

export type ReferenceInput = (ImageInput & { role?: string }) | { hash: string; role?: string };

export interface NewGeneration {
  recipe: StoredRecipe;
  /** The image (absent for a failed or cancelled generation). */
  image?: ImageInput;
  projectId?: number | null;
  /** The generation this one edits or varies. */
  parentId?: number | null;
  references?: ReferenceInput[];
  provider?: string;
  timings?: Record<string, number>;
  status?: GenerationStatus;
  jobId?: string;
  tags?: string[];
  createdAt?: number;
  /** The image's text check, when it was made before the image was stored (best of N). */
  textCheck?: TextCheck;
  /** The group it is made in (createGroup), and its rank there when already known. */
  groupId?: number;
  groupRank?: number;
}

export class Library {
  readonly dataDir: string;
  readonly db: Database;
  readonly store: ImageStore;
  readonly jobs: JobStore;
  readonly openReport: OpenReport;
  /** Serialises file writes + their commit against emptying the trash and collecting orphans. */
  private storeTail: Promise<unknown> = Promise.resolve();
  private beforeCommit: () => Promise<void> = async () => {};

  private constructor(dataDir: string, db: Database, store: ImageStore, report: OpenReport) {
    this.dataDir = dataDir;
    this.db = db;
    this.store = store;
    this.jobs = new JobStore(db);
    this.openReport = report;
  }

  static async open(dataDir: string, options: OpenLibraryOptions = {}): Promise<Library> {
    const dir = path.resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    const damaged = options.rebuilding ? null : damagedLibraryProblem(dir);
    if (damaged) throw damaged;
    const db = openDatabase(databasePath(dir), { upTo: options.upTo });
    const store = new ImageStore(dir);
    try {
      const tempFilesRemoved = await store.open();
      const version = schemaVersion(db);
      const jobsReady = version >= 3;
      const lib = new Library(dir, db, store, { schemaVersion: version, tempFilesRemoved, interruptedJobs: 0 });
      if (options.beforeCommit) lib.beforeCommit = options.beforeCommit;
      if (jobsReady && options.markInterrupted !== false) lib.openReport.interruptedJobs = lib.jobs.markInterrupted();
      return lib;
    } catch (err) {
      db.close();
      store.close();
      throw err;
    }
  }

  /**
   * Run `fn` while no other store mutation runs in this process: an image written for a new row can
   * then never be deleted by emptyTrash/gcOrphanFiles between its write and its commit.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.storeTail.then(fn, fn);
    this.storeTail = run.catch(() => undefined);
    return run;
  }

  /** Fail before any file is written when the row could not be committed anyway. */
  private checkTargets(projectId: number | null | undefined, parentId: number | null | undefined): void {
    if (projectId !== undefined && projectId !== null) requireLiveProject(this.db, projectId);
    if (parentId !== undefined && parentId !== null && !this.db.prepare('SELECT 1 FROM generations WHERE id = ?').get(parentId)) {
      throw new GlimmerError('not_found', `The parent generation ${parentId} does not exist.`);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.store.close();
  }

  // ── projects ──
  createProject(name: string): Project {
    return createProject(this.db, name);
  }
  renameProject(id: number, name: string): Project {
    return renameProject(this.db, id, name);
  }
  getProject(id: number): Project {
    return getProject(this.db, id);
  }
  listProjects(): Project[] {
    return listProjects(this.db);
  }
  /** To the trash, with its generations (recoverable until the trash is emptied). */
  deleteProject(id: number): Project {
    return trashProject(this.db, id);
  }
  restoreProject(id: number): Project {
    return restoreProject(this.db, id);
  }

  // ── generations ──
  async addGeneration(input: NewGeneration): Promise<Generation> {
    const parsed = StoredRecipe.safeParse(input.recipe);
    if (!parsed.success) {
      throw new GlimmerError('bad_request', `The recipe is not valid: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    }
    const recipe = parsed.data;
    this.checkTargets(input.projectId, input.parentId);
    // Encode, check and make thumbnails first (slow, nothing written yet)...
    const image = input.image ? await generatedPng(input.image, recipe) : undefined;
    const thumbs = image ? await makeThumbnails(image.bytes, 'The generated image') : undefined;
    const refs = await Promise.all((input.references ?? []).map((r) => this.prepareReference(r)));
    // ...then write the files and commit the rows that point at them, as one step.
    const id = await this.exclusive(async () => {
      const imageHash = image && thumbs ? (await this.store.put(image.bytes, image.format, thumbs)).hash : null;
      for (const r of refs) if (r.file) await this.store.put(r.file.bytes, r.file.format, r.file.thumbs);
      await this.beforeCommit();
      const now = input.createdAt ?? Date.now();
      return this.db
        .transaction(() => {
          if (image && imageHash) insertImageRow(this.db, { hash: imageHash, format: image.format, width: image.width, height: image.height, bytes: image.bytes.length }, now);
          for (const r of refs) if (r.row) insertImageRow(this.db, r.row, now);
          return insertGenerationRow(this.db, {
            createdAt: now,
            projectId: input.projectId ?? null,
            parentId: input.parentId ?? null,
            imageHash,
            source: 'generated',
            status: input.status ?? (image ? 'done' : 'failed'),
            mode: recipe.mode,
            model: recipe.model,
            seed: recipe.seed,
            width: image?.width ?? recipe.width,
            height: image?.height ?? recipe.height,
            steps: recipe.steps,
            provider: input.provider ?? recipe.provider ?? null,
            timings: input.timings ?? null,
            prompt: recipe.prompt,
            negativePrompt: recipe.negativePrompt ?? '',
            recipe,
            jobId: input.jobId ?? null,
            tags: input.tags,
            references: refs.map((r) => ({ hash: r.hash, role: r.role })),
            textCheck: input.textCheck ?? null,
            groupId: input.groupId ?? null,
            groupRank: input.groupRank ?? null,
          });
        })
        .immediate();
    });
    return getGeneration(this.db, id);
  }

  private async prepareReference(ref: ReferenceInput): Promise<{
    hash: string;
    role: string;
    row?: { hash: string; format: ImageFormat; width: number; height: number; bytes: number };
    file?: { bytes: Uint8Array; format: ImageFormat; thumbs: Record<ThumbSize, Buffer> };
  }> {
    const role = ref.role ?? 'reference';
    if ('hash' in ref) {
      if (!isHash(ref.hash) || !this.db.prepare('SELECT 1 FROM images WHERE hash = ?').get(ref.hash)) {
        throw new GlimmerError('not_found', 'A reference image is not in the library any more. Add it again.');
      }
      return { hash: ref.hash, role };
    }
    if ('raw' in ref) {
      throw new GlimmerError('bad_request', 'Reference images are passed as encoded image bytes.');
    }
    const info = await inspectHeader(ref.bytes, ref.name ?? 'The reference image');
    const thumbs = await makeThumbnails(ref.bytes, ref.name ?? 'The reference image');
    const hash = sha256(ref.bytes);
    return {
      hash,
      role,
      row: { hash, format: info.format, width: info.width, height: info.height, bytes: ref.bytes.length },
      file: { bytes: ref.bytes, format: info.format, thumbs },
    };
  }

  getGeneration(id: number): Generation {
    return getGeneration(this.db, id);
  }
  updateGeneration(id: number, patch: GenerationPatch): Generation {
    return updateGeneration(this.db, id, patch);
  }
  /** One change to many generations (bulk favourite, rating, tags); returns how many changed. */
  updateGenerations(ids: number[], patch: BulkPatch): number {
    return updateGenerations(this.db, ids, patch);
  }
  /** Store (or replace) the text check of a generation's image. */
  setTextCheck(id: number, check: TextCheck): Generation {
    return setTextCheck(this.db, id, check);
  }
  /** A new group for generations made together (best of N by text). */
  createGroup(kind: 'best_of_text' = 'best_of_text'): number {
    return createGroup(this.db, kind);
  }
  /** Rank a group: `ids` best first (the best stands for the group in searches, the rest are its alternates). */
  rankGroup(groupId: number, ids: readonly number[]): void {
    rankGroup(this.db, groupId, ids);
  }
  moveGenerations(ids: number[], projectId: number | null): number {
    return moveGenerations(this.db, ids, projectId);
  }
  /** To the trash (recoverable until it is emptied). */
  deleteGenerations(ids: number[]): number {
    return trashGenerations(this.db, ids);
  }
  restoreGenerations(ids: number[]): number {
    return restoreGenerations(this.db, ids);
  }
  search(query: SearchQuery = {}): Page<GenerationSummary> {
    return search(this.db, query);
  }
  explainSearch(query: SearchQuery = {}): string[] {
    return explainSearch(this.db, query);
  }
  listTags(): TagCount[] {
    return listTags(this.db);
  }

  // ── trash ──
  listTrash(limit = 500): TrashContents {
    return { projects: listProjects(this.db, { trashed: true }), generations: listTrashedGenerations(this.db, limit) };
  }

  /** Delete the trash for good, then the image files nothing uses any more. */
  emptyTrash(): Promise<{ generations: number; projects: number; filesRemoved: number }> {
    return this.exclusive(async () => {
      const result = purgeTrash(this.db);
      for (const o of result.orphans) await this.store.remove(o.hash, o.format);
      return { generations: result.generations, projects: result.projects, filesRemoved: result.orphans.length };
    });
  }

  /**
   * Remove store files that no row refers to (left by a crash between file write and commit).
   * Files younger than `minAgeMs` (default 10 minutes) are kept: another process sharing the
   * library (serve, the CLI) may have written one and not committed its row yet.
   */
  gcOrphanFiles(options: { minAgeMs?: number } = {}): Promise<number> {
    return this.exclusive(() => this.collectOrphans(options.minAgeMs ?? 10 * 60_000));
  }

  private async collectOrphans(minAgeMs: number): Promise<number> {
    const cutoff = Date.now() - minAgeMs;
    const known = this.db.prepare('SELECT 1 FROM images WHERE hash = ?');
    let removed = 0;
    for (const root of [this.store.roots.images, this.store.roots.thumbs]) {
      let dirs: string[];
      try {
        dirs = await fs.readdir(root);
      } catch {
        continue;
      }
      for (const dir of dirs) {
        if (!/^[0-9a-f]{2}$/.test(dir)) continue;
        for (const name of await fs.readdir(path.join(root, dir))) {
          const hash = name.slice(0, 64);
          if (!isHash(hash) || known.get(hash)) continue;
          const file = path.join(root, dir, name);
          const st = await fs.stat(file).catch(() => undefined);
          if (!st || st.mtimeMs > cutoff) continue;
          await fs.rm(file, { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  // ── import / export ──
  /** Add any PNG, JPEG or WebP to the library (a PNG with a recipe gets its parameters back). */
  async importImage(input: ImportInput, options: ImportOptions = {}): Promise<Generation> {
    const prepared = await prepareImport(input, options);
    this.checkTargets(options.projectId, null);
    // an image restored from the store with its recipe was made by the studio
    const source = options.restore && prepared.recipe ? 'generated' : prepared.row.source;
    const id = await this.exclusive(async () => {
      const { hash } = await this.store.put(prepared.bytes, prepared.format, prepared.thumbs);
      await this.beforeCommit();
      const now = options.restore?.createdAt ?? Date.now();
      return this.db
        .transaction(() => {
          const projectId = options.projectId ?? null;
          const existing = this.db
            .prepare('SELECT id FROM generations WHERE image_hash = ? AND project_id IS ? AND deleted_at IS NULL ORDER BY id LIMIT 1')
            .get(hash, projectId) as { id: number } | undefined;
          if (existing) return existing.id;
          insertImageRow(this.db, { hash, format: prepared.format, width: prepared.width, height: prepared.height, bytes: prepared.bytes.length }, now);
          return insertGenerationRow(this.db, { ...prepared.row, source, createdAt: now, projectId, imageHash: hash, tags: options.tags });
        })
        .immediate();
    });
    return getGeneration(this.db, id);
  }

  async exportProject(projectId: number, destDir: string): Promise<ExportResult> {
    return exportProjectTo(this, projectId, destDir);
  }

  /** Chosen generations into a new folder `name` inside `destDir` (PNGs with recipes, index.json). */
  async exportGenerations(ids: number[], name: string, destDir: string): Promise<ExportResult> {
    return exportGenerationsTo(this, ids, name, destDir);
  }

  // ── media ──
  /** The image file of a stored image (content-addressed; never a path outside the store). */
  imageFile(hash: string): string {
    const row = isHash(hash) ? (this.db.prepare('SELECT format FROM images WHERE hash = ?').get(hash) as { format: ImageFormat } | undefined) : undefined;
    if (!row) throw new GlimmerError('not_found', 'That image is not in the library.');
    return this.store.imagePath(hash, row.format);
  }

  /** A thumbnail file, re-made if it went missing. */
  async thumbFile(hash: string, size: ThumbSize): Promise<string> {
    if (!THUMB_SIZES.includes(size)) throw new GlimmerError('bad_request', `Thumbnails come in ${THUMB_SIZES.join(' and ')} px.`);
    const row = isHash(hash) ? (this.db.prepare('SELECT format FROM images WHERE hash = ?').get(hash) as { format: ImageFormat } | undefined) : undefined;
    if (!row) throw new GlimmerError('not_found', 'That image is not in the library.');
    return this.store.ensureThumb(hash, row.format, size);
  }

  /** Resolve a media path ('images/ab/<hash>.png', 'thumbs/ab/<hash>-256.webp') to a file in the store. */
  async mediaFile(mediaPath: string): Promise<string> {
    const m = /^(images|thumbs)\/([0-9a-f]{2})\/([0-9a-f]{64})(?:\.(png|jpg|webp)|-(256|512)\.webp)$/.exec(mediaPath);
    if (!m || m[2] !== m[3].slice(0, 2)) throw new GlimmerError('not_found', 'That is not a library media path.');
    if (m[1] === 'images' && m[4]) {
      const file = this.imageFile(m[3]);
      if (path.extname(file) !== `.${m[4]}`) throw new GlimmerError('not_found', 'That is not a library media path.');
      return file;
    }
    if (m[1] === 'thumbs' && m[5]) return this.thumbFile(m[3], Number(m[5]) as ThumbSize);
    throw new GlimmerError('not_found', 'That is not a library media path.');
  }

  /** Counts for diagnostics. */
  stats(): { schemaVersion: number; generations: number; trashed: number; projects: number; images: number; jobs: number } {
    const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      schemaVersion: schemaVersion(this.db),
      generations: one('SELECT count(*) AS n FROM generations WHERE deleted_at IS NULL'),
      trashed: one('SELECT count(*) AS n FROM generations WHERE deleted_at IS NOT NULL'),
      projects: one('SELECT count(*) AS n FROM projects WHERE deleted_at IS NULL'),
      images: one('SELECT count(*) AS n FROM images'),
      jobs: schemaVersion(this.db) >= 3 ? one('SELECT count(*) AS n FROM jobs') : 0,
    };
  }
}

export function openLibrary(dataDir: string, options?: OpenLibraryOptions): Promise<Library> {
  return Library.open(dataDir, options);
}

/** Rebuild a damaged library from its image store (rebuild.ts); refused for a library that opens. */
export function rebuildLibrary(dataDir: string): Promise<RebuildReport> {
  return rebuildFrom(
    dataDir,
    (dir, options) => Library.open(dir, options),
    async (dir) => (await Library.open(dir, { markInterrupted: false })).close(),
  );
}
