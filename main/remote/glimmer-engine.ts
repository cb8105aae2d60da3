/**
 * A job on another Glimmer Studio's `glimmer serve`: our own API over HTTP (jobs.submit, jobs.list,
 * jobs.cancel, library.get, /media) with the server's token as a Bearer header, and its event socket
 * for exact progress and previews. Every mode goes, masked edits and "vary details" included (the
 * request is made self-contained first). Each image is fetched as soon as the server has saved it,
 * checked, and handed over with the server's own recipe naming the server. The job is followed by
 * polling as well, so a dropped socket loses nothing; a server that says nothing at all for the stall
 * time fails the job; cancelling cancels the job on the server too.
 */
import { type ErrorShape, GlimmerError, isErrorCode, type JobInfo, type JobProgress, type ServerTest } from '../contract';
import { KeyedEngine } from './engine-base';
import { resolveOptions, type ResolvedOptions } from './engine-options';
import { RemoteError, scrubKey, serverDetail, statusFailure } from './errors';
import { EventStream, type EventMessageLike } from './event-stream';
import { glimmerWireRequest } from './glimmer-wire';
import { type HttpAnswer, httpRequest, type HttpLimits } from './http-request';
import { checkRemoteImage } from './image-check';
import { glimmerRecipe, remoteInfo, type RemoteRecipeInfo } from './remote-recipe';
import { withRetries } from './retry';
import { authHeaders, endpoint, serverBase, serverLabel } from './server-url';
import type { EngineOptions, RemoteEngine, RemoteJob, RemoteProgress, RemoteRunOptions, ServerConfig } from './types';

/** The header a studio names itself by to a Glimmer server (its queue takes clients in turn). */
export const CLIENT_HEADER = 'x-glimmer-client';

const PREVIEW = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;
const MAX_PREVIEW_CHARS = 1024 * 1024;

export interface GlimmerEngineOptions extends EngineOptions {
  /** How often the job is asked for besides the events (ms). */
  pollMs?: number;
}

interface LibraryGenerationLike {
  id: string;
  width: number;
  height: number;
  recipe: unknown;
  media: { image: string } | null;
}

export class GlimmerEngine extends KeyedEngine {
  private readonly o: ResolvedOptions;
  private readonly pollMs: number;
  private readonly base: URL;

  constructor(
    config: ServerConfig,
    options: GlimmerEngineOptions,
  ) {
    super(config);
    this.o = resolveOptions(options);
    this.pollMs = options.pollMs ?? 5000;
    this.base = serverBase(config.url);
  }

  private get label(): string {
    return serverLabel(this.config);
  }

  private send(method: 'GET' | 'POST', path: string, limits: HttpLimits, signal?: AbortSignal, json?: unknown, client?: string): Promise<HttpAnswer> {
    return httpRequest({
      url: endpoint(this.base, path),
      method,
      headers: {
        accept: 'application/json',
        ...authHeaders(this.config),
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(client ? { [CLIENT_HEADER]: client } : {}),
      },
      ...(json !== undefined ? { body: Buffer.from(JSON.stringify(json), 'utf8') } : {}),
      ...(signal ? { signal } : {}),
      limits,
      ...(this.config.ca ? { ca: this.config.ca } : {}),
      label: this.label,
    });
  }

  /** One API call; the server's own error (code and words) when it refuses. */
  async call<T>(method: string, request: unknown, signal?: AbortSignal, limits: HttpLimits = this.o.callLimits, client?: string): Promise<T> {
    const path = `api/call/${method}`;
    const a = await this.send('POST', path, limits, signal, request, client);
    type Envelope = { ok?: unknown; value?: unknown; error?: Partial<ErrorShape> };
    let body: Envelope | null;
    try {
      body = JSON.parse(a.body.toString('utf8')) as Envelope;
    } catch {
      body = null;
    }
    if (a.status === 200 && body?.ok === true) return body.value as T;
    const e = body?.error;
    const theirs = e && isErrorCode(e.code) && typeof e.message === 'string';
    if (theirs && a.status >= 400 && a.status < 500 && ![401, 403, 404, 405, 429].includes(a.status)) {
      throw new GlimmerError(e.code!, `${this.label} refused it: ${serverDetail(a.body)}`);
    }
    if (a.status === 200) throw new RemoteError('bad_answer', `${this.label} answered ${method} in a way Glimmer does not (is it a Glimmer server?).`, { code: 'unavailable' });
    throw statusFailure(a.status, a.headers, a.body, this.label, `/${path}`);
  }

  private async about(signal?: AbortSignal): Promise<{ product: string; model: string | null; ready: boolean; problem: string | null }> {
    const info = await this.call<{ app: { name: string; version: string } }>('system.info', {}, signal);
    const status = await this.call<{ model: { id: string; dir: string; ready: boolean; problem: string | null } | null }>('engine.status', {}, signal);
    const model = status.model ? status.model.id || status.model.dir.split(/[\\/]/).filter(Boolean).at(-1) || null : null;
    return {
      product: `${String(info.app?.name ?? 'Glimmer Studio').slice(0, 80)} ${String(info.app?.version ?? '').slice(0, 40)}`.trim(),
      model,
      ready: status.model?.ready ?? false,
      problem: status.model ? status.model.problem : 'it has no model chosen',
    };
  }

  protected async probe(signal?: AbortSignal): Promise<ServerTest> {
    const t0 = Date.now();
    try {
      const a = await this.about(signal);
      const state = a.problem && !a.ready ? `, but ${a.problem}` : a.model ? `; its model is ${a.model}${a.ready ? '' : ' (loaded with the first job)'}` : '';
      return { ok: true, kind: 'glimmer', product: a.product, model: a.model, latencyMs: Date.now() - t0, message: `${a.product} answers${state}.`, testedAt: Date.now() };
    } catch (err) {
      return { ok: false, kind: 'glimmer', product: null, model: null, latencyMs: null, message: (err as Error).message, testedAt: Date.now() };
    }
  }

  protected async runJob(job: RemoteJob, opts: RemoteRunOptions): Promise<number> {
    const req = job.request;
    const wire = glimmerWireRequest(req, job.inputs);
    const about = await this.about(opts.signal).catch((err: unknown) => {
      if (opts.signal?.aborted) throw err;
      return { product: null, model: null };
    });
    const info = remoteInfo(this.config, about.product, about.model, []);
    const follower = new JobFollower(this, info, job, opts, this.o, this.pollMs);
    const events = new EventStream(
      new URL(endpoint(this.base, 'api/events').toString().replace(/^http/, 'ws')),
      authHeaders(this.config),
      this.config.ca,
      (m) => follower.onEvent(m),
      this.label,
    );
    try {
      try {
        await events.open(this.o.callLimits.connectTimeoutMs, opts.signal);
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        // no socket: the job is followed by polling alone (no previews)
        this.o.log(`[remote] ${this.config.name}: no event socket (${scrubKey((err as Error).message, this.config.key)}); following the job by polling`);
      }
      const submitted = await withRetries(
        () => this.call<{ job: JobInfo }>('jobs.submit', wire, opts.signal, { ...this.o.callLimits, timeoutMs: Math.max(this.o.callLimits.timeoutMs, 120_000) }, opts.client),
        this.o.retry,
        opts.signal,
        (err, delay, attempt) => this.o.log(`[remote] ${this.config.name}: submit try ${attempt} failed (${scrubKey(err.message, this.config.key)}); again in ${Math.round(delay / 100) / 10} s`),
      );
      return await follower.follow(submitted.job);
    } finally {
      events.close();
    }
  }

  /** The bytes of a media path of the server (an image it saved). */
  async media(path: string, signal?: AbortSignal): Promise<Buffer> {
    if (!/^[A-Za-z0-9._/-]{1,300}$/.test(path) || path.includes('..')) throw new RemoteError('bad_answer', `${this.label} named its image by a path Glimmer does not use.`);
    const a = await this.send('GET', `media/${path}`, this.o.limits, signal);
    if (a.status !== 200) throw statusFailure(a.status, a.headers, a.body, this.label, `/media/${path}`);
    return a.body;
  }

  get labelText(): string {
    return this.label;
  }
}

/** One job on the server, from submitted to its last image saved here. */
class JobFollower {
  private id = '';
  private fetched = 0;
  private chain: Promise<void> = Promise.resolve();
  private lastNews = Date.now();
  private image = -1;
  private done = false;
  private resolve: (n: number) => void = () => undefined;
  private reject: (e: unknown) => void = () => undefined;

  constructor(
    private readonly engine: GlimmerEngine,
    private readonly info: RemoteRecipeInfo,
    private readonly job: RemoteJob,
    private readonly opts: RemoteRunOptions,
    private readonly o: ResolvedOptions,
    private readonly pollMs: number,
  ) {}

  follow(submitted: JobInfo): Promise<number> {
    this.id = submitted.id;
    return new Promise<number>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const stop = () => {
        for (const t of timers) clearTimeout(t);
        this.opts.signal?.removeEventListener('abort', onAbort);
      };
      this.resolve = (n) => {
        if (this.done) return;
        this.done = true;
        stop();
        resolve(n);
      };
      this.reject = (e) => {
        if (this.done) return;
        this.done = true;
        stop();
        reject(e);
      };
      const onAbort = () => {
        // the server stops the job too; we do not wait for its answer
        void this.engine.call('jobs.cancel', { id: this.id }, undefined, { ...this.o.callLimits, timeoutMs: 5000 }).catch(() => undefined);
        this.reject(RemoteError.cancelled());
      };
      if (this.opts.signal?.aborted) {
        onAbort();
        return;
      }
      this.opts.signal?.addEventListener('abort', onAbort, { once: true });
      // the time limit is per image, as for an OpenAI-style server
      const limitMs = this.o.limits.timeoutMs * Math.max(1, this.job.request.count);
      timers.push(
        setTimeout(
          () => this.reject(new RemoteError('timeout', `${this.engine.labelText} did not finish the job within ${Math.round(limitMs / 1000)} s.`)),
          limitMs,
        ),
      );
      timers.push(
        setInterval(() => {
          if (Date.now() - this.lastNews > this.o.limits.stallMs) {
            this.reject(new RemoteError('stall', `${this.engine.labelText} has said nothing about the job for ${Math.round(this.o.limits.stallMs / 1000)} s (no event, no answer).`));
          }
        }, Math.min(1000, this.o.limits.stallMs)),
      );
      timers.push(setInterval(() => void this.poll(), this.pollMs));
      this.onJob(submitted);
    });
  }

  private async poll(): Promise<void> {
    if (this.done) return;
    let mine: JobInfo;
    try {
      mine = (await this.engine.call<{ job: JobInfo }>('jobs.get', { id: this.id }, this.opts.signal)).job;
    } catch (err) {
      if ((err as GlimmerError).code === 'not_found') {
        this.reject(new RemoteError('bad_answer', `${this.engine.labelText} no longer knows the job (it may have restarted without its queue).`, { code: 'unavailable' }));
      }
      // any other failed poll is only news that nothing came: the stall timer decides
      return;
    }
    this.lastNews = Date.now();
    this.onJob(mine);
  }

  onEvent(m: EventMessageLike): void {
    if (this.done || !this.id) return;
    if (m.event === 'job.progress') {
      const p = m.payload as { jobId?: unknown; progress?: JobProgress };
      if (p?.jobId !== this.id || !p.progress) return;
      this.lastNews = Date.now();
      this.onProgress(p.progress);
    } else if (m.event === 'job.updated') {
      const j = (m.payload as { job?: JobInfo })?.job;
      if (j?.id !== this.id) return;
      this.lastNews = Date.now();
      this.onJob(j);
    }
  }

  private onProgress(p: JobProgress): void {
    if (!Number.isInteger(p.image) || p.image < 0) return;
    if (p.image !== this.image) {
      this.image = p.image;
      this.opts.onImageStart?.(p.image);
    }
    const out: RemoteProgress = {
      phase: p.phase,
      step: Number(p.step) || 0,
      total: Number(p.total) || 0,
      etaMs: typeof p.etaMs === 'number' && Number.isFinite(p.etaMs) ? p.etaMs : null,
      ...(typeof p.preview === 'string' && p.preview.length <= MAX_PREVIEW_CHARS && PREVIEW.test(p.preview) ? { preview: p.preview } : {}),
    };
    this.opts.onProgress?.(out);
  }

  private onJob(j: JobInfo): void {
    if (this.done) return;
    const ids = Array.isArray(j.generationIds) ? j.generationIds : [];
    while (this.fetched < ids.length) {
      const index = this.fetched++;
      const gid = String(ids[index]);
      this.chain = this.chain.then(() => (this.done ? undefined : this.fetch(gid, index)));
      this.chain.catch((err: unknown) => this.reject(err));
    }
    switch (j.state) {
      case 'done':
        void this.chain.then(() => this.resolve(this.fetched), (err: unknown) => this.reject(err));
        break;
      case 'failed': {
        const e = j.error;
        const code = e && isErrorCode(e.code) ? e.code : 'unavailable';
        void this.chain.then(() => this.reject(new GlimmerError(code, `${this.engine.labelText} failed the job: ${String(e?.message ?? 'no reason given').slice(0, 500)}`)), (err: unknown) => this.reject(err));
        break;
      }
      case 'cancelled':
        this.reject(new GlimmerError('cancelled', `${this.engine.labelText} cancelled the job.`));
        break;
      case 'interrupted':
        this.reject(new GlimmerError('unavailable', `${this.engine.labelText} stopped while running the job (it restarted).`));
        break;
      default:
        break;
    }
  }

  private async fetch(gid: string, index: number): Promise<void> {
    const label = this.engine.labelText;
    const { generation } = await this.engine.call<{ generation: LibraryGenerationLike }>('library.get', { id: gid }, this.opts.signal);
    if (!generation?.media?.image) throw new RemoteError('bad_answer', `${label} saved image ${index + 1} without its file.`);
    const bytes = await this.engine.media(generation.media.image, this.opts.signal);
    const req = this.job.request;
    const pixels = await checkRemoteImage(bytes, { width: req.width, height: req.height }, label);
    const recipe = glimmerRecipe(generation.recipe, req, this.info, label);
    await this.opts.onImage?.({ pixels, recipe, timings: (recipe.timings as Record<string, number> | undefined) ?? {} }, index);
  }
}
