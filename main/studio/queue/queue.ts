/**
 * The job queue: requests wait in order, one runs at a time, each can be cancelled (waiting or
 * running: the engine stops within one token or one DiT step and frees its sessions), moved among
 * the waiting ones, or retried. State lives in a QueueStore (the library's jobs table), so it
 * survives a restart: the library marks jobs left 'running' as 'interrupted' when it opens; waiting
 * jobs wait on. Finished images go into the library (generation row + image file) when it is open.
 * Events: job.updated on every state change, job.progress while a job runs.
 *
 * Text checks: each image whose prompt quotes text is read back on the engine thread after it is
 * saved, between jobs (the next job never waits for it); the result is stored with the generation and
 * announced with library.changed. Best of N by text: the candidates are checked inside the job, saved
 * as one group as they come, and ranked when the job ends (the best first, the others alternates).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type ErrorShape,
  type EventBus,
  extractGlyphTexts,
  GenerateRequest,
  type Generation,
  GlimmerError,
  hasCheckableText,
  type JobInfo,
  type JobProgress,
  type JobState,
  rankByText,
  type TextCheck,
  toErrorShape,
} from '../../contract';
import { type Library, png } from '../../library';
import { type EngineHost, type HostImage, type PendingTextCheck } from '../../engine/host';
import { checkRequestImages, decodeTokens, type JobInputs, type PipelineEvent, requestImages } from '../../engine/pipeline';
import type { JobRecord, QueueStore, StoredState } from './store';

export interface JobQueueOptions {
  engine: EngineHost;
  store: QueueStore;
  library?: Library | null;
  events?: EventBus;
  log?: (message: string) => void;
  /** Least time between two job.progress events of a job without a phase change or preview (ms). */
  progressIntervalMs?: number;
  /** Start running waiting jobs at once (default true). */
  autoStart?: boolean;
}

const FINISHED: StoredState[] = ['done', 'failed', 'cancelled', 'interrupted'];

function toContractState(s: StoredState): JobState {
  return s === 'queued' ? 'waiting' : s;
}

function numericId(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export class JobQueue {
  private readonly engine: EngineHost;
  private readonly store: QueueStore;
  private readonly library: Library | null;
  private readonly events?: EventBus;
  private readonly log: (m: string) => void;
  private readonly progress = new Map<string, JobProgress>();
  private readonly generations = new Map<string, string[]>();
  private running: { id: string; controller: AbortController; done: Promise<void> } | null = null;
  private started: boolean;
  private disposed = false;
  private lastEmit = new Map<string, { at: number; phase: string }>();
  /** Text checks of saved images that have not come back yet. */
  private readonly checks = new Set<PendingTextCheck>();
  private checksSettled: Promise<void> = Promise.resolve();

  constructor(private readonly opts: JobQueueOptions) {
    this.engine = opts.engine;
    this.store = opts.store;
    this.library = opts.library ?? null;
    this.events = opts.events;
    this.log = opts.log ?? (() => undefined);
    this.started = opts.autoStart !== false;
    if (this.started) queueMicrotask(() => this.pump());
  }

  /** Begin running waiting jobs (when made with autoStart false). */
  start(): void {
    this.started = true;
    this.pump();
  }

  get runningId(): string | null {
    return this.running?.id ?? null;
  }

  get waitingCount(): number {
    return this.store.list(['queued']).length;
  }

  info(record: JobRecord, waiting?: JobRecord[]): JobInfo {
    const parsed = GenerateRequest.safeParse(record.request);
    const order = (waiting ?? this.store.list(['queued'])).findIndex((j) => j.id === record.id);
    return {
      id: record.id,
      state: toContractState(record.state),
      position: order,
      request: (parsed.success ? parsed.data : record.request) as GenerateRequest,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      progress: record.state === 'running' ? (this.progress.get(record.id) ?? null) : null,
      generationIds: this.generations.get(record.id) ?? (record.generationId !== null ? [String(record.generationId)] : []),
      error: (record.error as ErrorShape | null) ?? null,
    };
  }

  get(id: string): JobInfo {
    return this.info(this.store.get(id));
  }

  list(includeFinished = false): JobInfo[] {
    const all = this.store.list();
    const waiting = all.filter((j) => j.state === 'queued');
    return all.filter((j) => includeFinished || !FINISHED.includes(j.state)).map((j) => this.info(j, waiting));
  }

  private emitUpdated(id: string): JobInfo {
    const job = this.get(id);
    this.events?.emit('job.updated', { job });
    return job;
  }

  submit(request: GenerateRequest): JobInfo {
    if (this.disposed) throw new GlimmerError('unavailable', 'The engine is shutting down.');
    const parsed = GenerateRequest.parse(request);
    const id = `job-${randomUUID()}`;
    this.store.add(id, parsed);
    const job = this.emitUpdated(id);
    this.pump();
    return job;
  }

  /** submit() after the engine's input checks: a bad image is refused here and no job is made. */
  async submitChecked(request: GenerateRequest): Promise<JobInfo> {
    const parsed = GenerateRequest.parse(request);
    await checkRequestImages(parsed);
    return this.submit(parsed);
  }

  cancel(id: string): JobInfo {
    const job = this.store.get(id);
    if (this.running?.id === id) {
      this.running.controller.abort();
      return this.info(job);
    }
    if (job.state !== 'queued') {
      throw new GlimmerError('conflict', `Job ${id} is ${toContractState(job.state)}; only a waiting or running job can be cancelled.`);
    }
    this.store.update(id, { state: 'cancelled', error: { code: 'cancelled', message: 'Cancelled before it started.' } });
    return this.emitUpdated(id);
  }

  /** Moves a waiting job to `position` (0 = runs next). */
  reorder(id: string, position: number): JobInfo[] {
    this.store.move(id, position + 1);
    const waiting = this.store.list(['queued']);
    for (const j of waiting) this.events?.emit('job.updated', { job: this.info(j, waiting) });
    return waiting.map((j) => this.info(j, waiting));
  }

  /** A finished-but-not-done job again, as a new waiting job with the same request. */
  retry(id: string): JobInfo {
    const job = this.store.get(id);
    if (!['failed', 'cancelled', 'interrupted'].includes(job.state)) {
      throw new GlimmerError('conflict', `Job ${id} is ${toContractState(job.state)}; only a failed, cancelled or interrupted job can be retried.`);
    }
    return this.submit(job.request as GenerateRequest);
  }

  private pump(): void {
    if (!this.started || this.disposed || this.running) return;
    let next: JobRecord | undefined;
    try {
      next = this.store.next();
    } catch (err) {
      this.log(`[queue] cannot read the queue: ${(err as Error).message}`);
      return;
    }
    if (!next) return;
    const controller = new AbortController();
    const done = this.runJob(next, controller).finally(() => {
      this.running = null;
      this.progress.delete(next.id);
      this.lastEmit.delete(next.id);
      this.pump();
    });
    this.running = { id: next.id, controller, done };
  }

  private setProgress(id: string, p: JobProgress, force: boolean): void {
    this.progress.set(id, p);
    const now = Date.now();
    const last = this.lastEmit.get(id);
    const interval = this.opts.progressIntervalMs ?? 100;
    if (!force && last && last.phase === p.phase && now - last.at < interval && p.step !== p.total) return;
    this.lastEmit.set(id, { at: now, phase: p.phase });
    this.events?.emit('job.progress', { jobId: id, progress: p });
  }

  private async runJob(record: JobRecord, controller: AbortController): Promise<void> {
    const id = record.id;
    const parsed = GenerateRequest.safeParse(record.request);
    if (!parsed.success) {
      this.store.update(id, { state: 'failed', error: { code: 'bad_request', message: 'The stored request is not valid any more; submit it again.' } });
      this.emitUpdated(id);
      return;
    }
    const request = parsed.data;
    this.store.update(id, { state: 'running', error: null });
    this.progress.set(id, { phase: 'load', step: 0, total: 1, image: 0, etaMs: null });
    this.emitUpdated(id);
    let image = 0;
    const streamer = {
      put: (e: PipelineEvent) => {
        const p: JobProgress = { phase: e.phase, step: e.step, total: e.total, image, etaMs: e.etaMs };
        // an event with a preview is always sent; plain steps are throttled
        if (e.preview) this.setProgress(id, { ...p, preview: png.previewDataUrl(e.preview) }, true);
        else this.setProgress(id, p, false);
      },
      end: () => undefined,
    };
    // best of N by text: the candidates saved so far, with their checks, ranked when the job ends
    const group = request.bestByText && this.library ? { id: null as number | null, members: [] as Array<{ genId: number; check: TextCheck | null }> } : null;
    try {
      await this.engine.generate(request, {
        inputs: await this.resolveInputs(request),
        signal: controller.signal,
        streamer,
        checkText: this.library !== null,
        onImageStart: (i) => (image = i),
        onImage: async (img, index, check) => {
          this.setProgress(id, { phase: 'save', step: 0, total: 1, image: index, etaMs: null }, true);
          if (group && group.id === null) group.id = this.library!.createGroup();
          const genId = await this.save(id, request, img, group?.id ?? undefined);
          if (genId !== null) {
            this.generations.set(id, [...(this.generations.get(id) ?? []), String(genId)]);
            this.store.update(id, { generationId: genId });
            group?.members.push({ genId, check: img.textCheck ?? null });
            if (check) this.storeCheckLater(genId, check);
          } else check?.cancel();
        },
      });
      this.store.update(id, { state: 'done', error: null });
    } catch (err) {
      const shape = toErrorShape(err);
      const cancelled = shape.code === 'cancelled' || controller.signal.aborted;
      this.store.update(id, {
        state: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? { code: 'cancelled', message: 'Cancelled.' } : shape,
      });
      if (!cancelled) this.log(`[queue] job ${id} failed: ${shape.message}`);
    }
    if (group && group.id !== null && group.members.length > 0) this.rankGroup(id, group.id, group.members);
    this.emitUpdated(id);
  }

  /** Best of N: rank the saved candidates by their checks (the best first) in the library and in the job. */
  private rankGroup(jobId: string, groupId: number, members: Array<{ genId: number; check: TextCheck | null }>): void {
    const ranked = rankByText(members.map((m) => m.check)).map((k) => members[k]!.genId);
    try {
      this.library!.rankGroup(groupId, ranked);
      this.generations.set(jobId, ranked.map(String));
      this.store.update(jobId, { generationId: ranked[0]! });
      this.events?.emit('library.changed', { kind: 'generations', ids: ranked.map(String) });
    } catch (err) {
      this.log(`[queue] the candidates of job ${jobId} could not be ranked: ${(err as Error).message}`);
    }
  }

  /** When an image's text check comes back, store it with its generation (a failed check is logged, not stored). */
  private storeCheckLater(genId: number, check: PendingTextCheck): void {
    this.checks.add(check);
    const settled = check.result.then(
      (result) => {
        if (this.disposed || !this.library) return;
        try {
          this.library.setTextCheck(genId, result);
          this.events?.emit('library.changed', { kind: 'generations', ids: [String(genId)] });
        } catch (err) {
          this.log(`[queue] the text check of generation ${genId} could not be stored: ${(err as Error).message}`);
        }
      },
      (err: unknown) => {
        const shape = toErrorShape(err);
        if (shape.code !== 'cancelled') this.log(`[queue] the text check of generation ${genId} failed: ${shape.message}`);
      },
    );
    const done = settled.finally(() => this.checks.delete(check));
    this.checksSettled = Promise.all([this.checksSettled, done]).then(() => undefined);
  }

  /** Resolves when every text check of the images made so far has come back and been stored (tests, CLI). */
  async checksIdle(): Promise<void> {
    while (this.checks.size > 0) await this.checksSettled;
  }

  /**
   * Read the prompt's quoted text back from a stored generation's image now (on the engine thread,
   * between jobs) and store the result, replacing an earlier one.
   */
  async checkText(generationId: number): Promise<Generation> {
    const lib = this.library;
    if (!lib) throw new GlimmerError('unavailable', 'The library is not open, so there is no image to check.');
    const g = lib.getGeneration(generationId);
    if (!g.media) throw new GlimmerError('bad_request', `Generation ${generationId} has no image to read (it ${g.status === 'done' ? 'was not saved' : g.status}).`);
    const texts = extractGlyphTexts(g.prompt);
    if (!texts.some(hasCheckableText)) {
      throw new GlimmerError(
        'bad_request',
        texts.length === 0
          ? `The prompt of generation ${generationId} quotes no text, so there is nothing to check. The check reads back text in quotes ("like this").`
          : `The quoted text of generation ${generationId}'s prompt has no letters or digits to check.`,
      );
    }
    const bytes = await readFile(lib.imageFile(g.media.hash));
    const result = await this.engine.checkText({ bytes, name: `of generation ${generationId}` }, texts);
    const stored = lib.setTextCheck(generationId, result);
    this.events?.emit('library.changed', { kind: 'generations', ids: [String(generationId)] });
    return stored;
  }

  /**
   * What the request names by reference, read from the library for the engine: the bytes of images
   * given as generation ids, and the tokens of the generation whose tokens it reuses.
   */
  private async resolveInputs(request: GenerateRequest): Promise<JobInputs> {
    const ids = requestImages(request).map((n) => n.ref);
    if (request.mode === 'edit' && request.mask) ids.push(request.mask);
    const inputs: JobInputs = { images: {} };
    const lib = this.library;
    for (const ref of ids) {
      if (!('generationId' in ref)) continue;
      const id = numericId(ref.generationId);
      const media = lib && id !== null ? this.tryGet(id)?.media : undefined;
      if (!media) throw new GlimmerError('not_found', `There is no image of generation ${ref.generationId} in the library.`);
      inputs.images![ref.generationId] = await readFile(lib!.imageFile(media.hash));
    }
    if (request.reuseTokensOf) {
      const id = numericId(request.reuseTokensOf);
      inputs.reuseTokens = decodeTokens(id !== null ? this.tryGet(id)?.recipe : null);
    }
    return inputs;
  }

  private tryGet(id: number) {
    try {
      return this.library?.getGeneration(id);
    } catch {
      return undefined;
    }
  }

  /** Into the library (generation row + image file, with its text check and group when it has them); null without a library. */
  private async save(jobId: string, request: GenerateRequest, img: HostImage, groupId?: number): Promise<number | null> {
    if (!this.library) return null;
    const g = await this.library.addGeneration({
      recipe: img.recipe,
      image: { raw: img.pixels.rgb, width: img.pixels.width, height: img.pixels.height, channels: 3 },
      projectId: numericId(request.projectId),
      parentId: numericId(request.parentId),
      references: img.references.map((r) => ({ bytes: r.bytes, role: r.role })),
      provider: img.recipe.provider,
      timings: img.timings,
      jobId,
      ...(img.textCheck ? { textCheck: img.textCheck } : {}),
      ...(groupId !== undefined ? { groupId } : {}),
    });
    return g.id;
  }

  /** Stops the running job (it ends as cancelled) and waits for it. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const r = this.running;
    if (r) {
      r.controller.abort();
      await r.done.catch(() => undefined);
    }
    for (const c of this.checks) c.cancel();
  }

  /** Resolves when no job is running and none is waiting (tests, CLI). */
  async idle(): Promise<void> {
    for (;;) {
      const r = this.running;
      if (r) await r.done.catch(() => undefined);
      else if (!this.started || this.disposed || !this.store.next()) return;
      else await new Promise((res) => setTimeout(res, 10));
    }
  }
}
