/**
 * The job queue: requests wait in order, each can be cancelled (waiting or running: the engine stops
 * within one token or one DiT step and frees its sessions; a remote job's request is aborted), moved
 * among the waiting ones, or retried. Each job carries its target: this computer (the engine host),
 * a server or a pool (RemoteTargets). Jobs wait in one lane per target and lanes run side by side:
 * this computer and each server run one job at a time, a pool as many as it has servers. When
 * several clients of `serve` queue jobs, the next job to start is taken from each client in turn.
 * State lives in a QueueStore (the library's jobs table), so it survives a restart: the library
 * marks jobs left 'running' as 'interrupted' when it opens; waiting jobs wait on. Finished images,
 * local or remote, go into the library (generation row + image file) when it is open, each whole
 * or not at all. Events: job.updated on every state change, job.progress while a job runs.
 *
 * Text checks: each local image whose prompt quotes text is read back on the engine thread after it
 * is saved, between jobs (the next job never waits for it); the result is stored with the generation
 * and announced with library.changed. Best of N by text: the candidates are checked inside the job,
 * saved as one group as they come, and ranked when the job ends (the best first, the others alternates).
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
  type JobTarget,
  LOCAL_TARGET,
  rankByText,
  type ServerKind,
  type TextCheck,
  toErrorShape,
} from '../../contract';
import { type Library, png } from '../../library';
import { type EngineHost, type HostImage, type PendingTextCheck } from '../../engine/host';
import { checkRequestImages, decodeTokens, type JobInputs, type PipelineEvent, requestImages } from '../../engine/pipeline';
import { type RemoteImage, requestImageBytes } from '../../remote';
import type { RemoteTargets } from '../remote-targets';
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
  /** Servers and pools a job may name as its target (absent: every job runs on this computer). */
  targets?: RemoteTargets | null;
}

interface Running {
  id: string;
  lane: string;
  controller: AbortController;
  done: Promise<void>;
}

/** Whose job it is (serve's clients are taken in turn); jobs of the app itself are 'local'. */
export const LOCAL_CLIENT = 'local';

const FINISHED: StoredState[] = ['done', 'failed', 'cancelled', 'interrupted'];

function toContractState(s: StoredState): JobState {
  return s === 'queued' ? 'waiting' : s;
}

function targetOf(request: unknown): JobTarget {
  return (request as { target?: JobTarget } | null)?.target ?? LOCAL_TARGET;
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
  private readonly running = new Map<string, Running>();
  /** The server each remote job went to (a pool's: the last one tried). */
  private readonly servers = new Map<string, { id: string; name: string; kind: ServerKind }>();
  private readonly clients = new Map<string, string>();
  /** Clients in the order they first queued a job: the round the next job is taken in. */
  private readonly ring: string[] = [];
  private lastClient: string | null = null;
  private readonly targets: RemoteTargets | null;
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
    this.targets = opts.targets ?? null;
    this.started = opts.autoStart !== false;
    if (this.started) queueMicrotask(() => this.pump());
  }

  /** Begin running waiting jobs (when made with autoStart false). */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** The job running on this computer, if any. */
  get runningId(): string | null {
    for (const r of this.running.values()) if (r.lane === 'local') return r.id;
    return null;
  }

  /** Every running job (this computer's and the remote ones). */
  get runningIds(): string[] {
    return [...this.running.keys()];
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
      target: targetOf(parsed.success ? parsed.data : record.request),
      server: this.servers.get(record.id) ?? null,
      limits: parsed.success && this.targets ? this.targets.limits(targetOf(parsed.data), parsed.data) : [],
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

  /**
   * Queues a request. Its target must exist and be able to take it: a masked edit or "vary details"
   * is refused here for an OpenAI-style server (it would make a different image), before any job is made.
   */
  submit(request: GenerateRequest, client: string = LOCAL_CLIENT): JobInfo {
    if (this.disposed) throw new GlimmerError('unavailable', 'The engine is shutting down.');
    const parsed = GenerateRequest.parse(request);
    const target = targetOf(parsed);
    if (target.type !== 'local') {
      if (!this.targets) throw new GlimmerError('bad_request', 'Jobs can run on this computer only here (no server list).');
      this.targets.check(target, parsed);
    }
    const id = `job-${randomUUID()}`;
    this.store.add(id, parsed);
    const who = client.slice(0, 200);
    this.clients.set(id, who);
    if (!this.ring.includes(who)) this.ring.push(who);
    const job = this.emitUpdated(id);
    this.pump();
    return job;
  }

  /** submit() after the engine's input checks: a bad image is refused here and no job is made. */
  async submitChecked(request: GenerateRequest, client: string = LOCAL_CLIENT): Promise<JobInfo> {
    const parsed = GenerateRequest.parse(request);
    await checkRequestImages(parsed);
    return this.submit(parsed, client);
  }

  cancel(id: string): JobInfo {
    const job = this.store.get(id);
    const running = this.running.get(id);
    if (running) {
      running.controller.abort();
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
    return this.submit(job.request as GenerateRequest, this.clients.get(id) ?? LOCAL_CLIENT);
  }

  /** The lane a job waits in and how many of its jobs may run at once. */
  private laneOf(record: JobRecord): { key: string; capacity: number } {
    const target = targetOf(record.request);
    if (target.type === 'local') return { key: 'local', capacity: 1 };
    if (this.targets) return this.targets.lane(target);
    return { key: target.type === 'server' ? `server:${target.id}` : `pool:${target.name}`, capacity: 1 };
  }

  /** Among jobs that could start, the first of the next client in the round after the one served last. */
  private fairPick(candidates: JobRecord[]): JobRecord {
    const clientOf = (j: JobRecord) => this.clients.get(j.id) ?? LOCAL_CLIENT;
    const waiting = new Set(candidates.map(clientOf));
    for (const c of waiting) if (!this.ring.includes(c)) this.ring.push(c);
    if (this.ring.length > 256) {
      // many clients came and went: keep those with jobs waiting (and the one served last)
      const keep = this.ring.filter((c) => waiting.has(c) || c === this.lastClient);
      this.ring.splice(0, this.ring.length, ...keep);
    }
    const after = this.lastClient === null ? -1 : this.ring.indexOf(this.lastClient);
    let client = this.ring[0]!;
    for (let i = 1; i <= this.ring.length; i++) {
      const c = this.ring[(after + i) % this.ring.length]!;
      if (waiting.has(c)) {
        client = c;
        break;
      }
    }
    this.lastClient = client;
    return candidates.find((j) => clientOf(j) === client)!;
  }

  /** Starts every waiting job whose lane has room, clients in turn. */
  private pump(): void {
    if (!this.started || this.disposed) return;
    let waiting: JobRecord[];
    try {
      waiting = this.store.list(['queued']);
    } catch (err) {
      this.log(`[queue] cannot read the queue: ${(err as Error).message}`);
      return;
    }
    const busy = new Map<string, number>();
    for (const r of this.running.values()) busy.set(r.lane, (busy.get(r.lane) ?? 0) + 1);
    for (;;) {
      const candidates = waiting.filter((j) => {
        if (this.running.has(j.id)) return false;
        const lane = this.laneOf(j);
        return (busy.get(lane.key) ?? 0) < lane.capacity;
      });
      if (candidates.length === 0) return;
      const next = this.fairPick(candidates);
      const lane = this.laneOf(next).key;
      busy.set(lane, (busy.get(lane) ?? 0) + 1);
      const controller = new AbortController();
      const done = this.runJob(next, controller).finally(() => {
        this.running.delete(next.id);
        this.progress.delete(next.id);
        this.lastEmit.delete(next.id);
        this.pump();
      });
      this.running.set(next.id, { id: next.id, lane, controller, done });
    }
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
    const target = targetOf(request);
    this.store.update(id, { state: 'running', error: null });
    this.progress.set(id, { phase: target.type === 'local' ? 'load' : 'remote', step: 0, total: target.type === 'local' ? 1 : 0, image: 0, etaMs: null });
    this.emitUpdated(id);
    try {
      if (target.type === 'local') await this.runLocal(id, request, controller);
      else await this.runRemote(id, request, target, controller);
      this.store.update(id, { state: 'done', error: null });
    } catch (err) {
      const shape = toErrorShape(err, (line) => this.log(`[queue] job ${id}: ${line}`));
      const cancelled = shape.code === 'cancelled' || controller.signal.aborted;
      this.store.update(id, {
        state: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? { code: 'cancelled', message: 'Cancelled.' } : shape,
      });
      if (!cancelled) this.log(`[queue] job ${id} failed: ${shape.message}`);
    }
    this.emitUpdated(id);
  }

  /** On this computer: the engine host. */
  private async runLocal(id: string, request: GenerateRequest, controller: AbortController): Promise<void> {
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
          const genId = await this.save(id, request, img, img.references, group?.id ?? undefined);
          this.kept(id, genId);
          if (genId !== null) {
            group?.members.push({ genId, check: img.textCheck ?? null });
            if (check) this.storeCheckLater(genId, check);
          } else check?.cancel();
        },
      });
    } finally {
      if (group && group.id !== null && group.members.length > 0) this.rankGroup(id, group.id, group.members);
    }
  }

  /** On a server or a pool: each image is checked there and kept here like a local one. */
  private async runRemote(id: string, request: GenerateRequest, target: JobTarget, controller: AbortController): Promise<void> {
    if (!this.targets) throw new GlimmerError('unavailable', 'This studio cannot send jobs to other servers here (no server list).');
    // the target may have changed since the job was queued (a server removed, its kind changed)
    this.targets.check(target, request);
    const inputs = await this.resolveInputs(request);
    let image = 0;
    await this.targets.run(
      target,
      { request, inputs },
      {
        signal: controller.signal,
        onServer: (server) => {
          this.servers.set(id, server);
          this.emitUpdated(id);
        },
        onImageStart: (i) => (image = i),
        onProgress: (p) => this.setProgress(id, { ...p, image }, p.preview !== undefined),
        onImage: async (img, index) => {
          this.setProgress(id, { phase: 'save', step: 0, total: 1, image: index, etaMs: null }, true);
          this.kept(id, await this.save(id, request, img, requestImageBytes(request, inputs)));
        },
      },
    );
  }

  private kept(jobId: string, genId: number | null): void {
    if (genId === null) return;
    this.generations.set(jobId, [...(this.generations.get(jobId) ?? []), String(genId)]);
    this.store.update(jobId, { generationId: genId });
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

  /**
   * Into the library (generation row + image file, whole or not at all, with its text check and group
   * when it has them); null without a library. A local image brings its references from the engine; a
   * remote one has the request's images.
   */
  private async save(
    jobId: string,
    request: GenerateRequest,
    img: Pick<HostImage, 'pixels' | 'recipe' | 'timings' | 'textCheck'> | RemoteImage,
    references: Array<{ bytes: Uint8Array; role: string }>,
    groupId?: number,
  ): Promise<number | null> {
    if (!this.library) return null;
    const g = await this.library.addGeneration({
      recipe: img.recipe,
      image: { raw: img.pixels.rgb, width: img.pixels.width, height: img.pixels.height, channels: 3 },
      projectId: numericId(request.projectId),
      parentId: numericId(request.parentId),
      references,
      provider: img.recipe.provider ?? 'remote',
      timings: img.timings,
      jobId,
      ...('textCheck' in img && img.textCheck ? { textCheck: img.textCheck } : {}),
      ...(groupId !== undefined ? { groupId } : {}),
    });
    return g.id;
  }

  /** Stops the running jobs (they end as cancelled) and waits for them. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort();
    await Promise.all(all.map((r) => r.done.catch(() => undefined)));
    for (const c of this.checks) c.cancel();
  }

  /** Resolves when no job is running and none is waiting (tests, CLI). */
  async idle(): Promise<void> {
    for (;;) {
      const all = [...this.running.values()];
      if (all.length > 0) await Promise.race(all.map((r) => r.done.catch(() => undefined)));
      else if (!this.started || this.disposed || !this.store.next()) return;
      else await new Promise((res) => setTimeout(res, 10));
    }
  }
}
