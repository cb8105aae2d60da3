/**
 * A job on an OpenAI-compatible image server (vLLM-Omni, SGLang-Diffusion): text-to-image through
 * POST /v1/images/generations, every image-to-image mode through POST /v1/images/edits with the
 * images in the model's order. One request per image (n = 1, seed + i), so each image has its own
 * seed and the job can stop between images. What the server cannot take is refused before anything
 * is sent when it would change the image (a mask, prior tokens) and recorded in the recipe when it
 * only costs reproducibility or progress (the AR seed, exact progress). While it waits, the job shows
 * an ETA estimated from the server's past jobs.
 */
import { BLOCKING_LIMITS, GlimmerError, type ServerTest, targetLimits, type TargetLimit } from '../contract';
import { KeyedEngine } from './engine-base';
import { resolveOptions, type ResolvedOptions } from './engine-options';
import { RemoteError, scrubKey, statusFailure } from './errors';
import { jobUnits } from './eta';
import { type HttpAnswer, httpRequest, type HttpLimits } from './http-request';
import { checkRemoteImage } from './image-check';
import { EDITS_PATH, editBody, generationBody, GENERATIONS_PATH, type ImageParams, MODELS_PATH, parseImagesAnswer, parseModelsAnswer, roundTo32 } from './openai-wire';
import { openAiRecipe, remoteInfo } from './remote-recipe';
import { requestImageBytes } from './request-images';
import { withRetries } from './retry';
import { authHeaders, endpoint, serverBase, serverLabel } from './server-url';
import type { EngineOptions, RemoteEngine, RemoteJob, RemoteProgress, RemoteRunOptions, ServerConfig } from './types';

const LIMIT_WORDS: Record<TargetLimit, string> = {
  mask: 'masked edits',
  priorTokens: '"vary details" (reusing the AR tokens of an earlier image)',
  arSeed: 'a seed for the AR stage',
  progress: 'exact progress',
};

/** "masked edits and a seed for the AR stage" */
export function describeLimits(limits: TargetLimit[]): string {
  const words = limits.map((l) => LIMIT_WORDS[l]);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A refusal for the parts of a request an OpenAI-style server cannot take without changing the image. */
export function blockingProblem(config: Pick<ServerConfig, 'name' | 'kind'>, limits: TargetLimit[]): GlimmerError | null {
  const blocking = limits.filter((l) => BLOCKING_LIMITS.includes(l));
  if (blocking.length === 0) return null;
  return new GlimmerError(
    'bad_request',
    `${serverLabel(config)} (an OpenAI-style image server) cannot do ${describeLimits(blocking)}. Run this job on This computer or on a Glimmer server.`,
    { limits: blocking },
  );
}

export class OpenAiEngine extends KeyedEngine {
  private readonly o: ResolvedOptions;
  private readonly base: URL;
  private described: { model: string | null; product: string | null } | null = null;

  constructor(
    config: ServerConfig,
    options: EngineOptions,
  ) {
    super(config);
    this.o = resolveOptions(options);
    this.base = serverBase(config.url);
  }

  private get label(): string {
    return serverLabel(this.config);
  }

  private request(method: 'GET' | 'POST', path: string, limits: HttpLimits, signal?: AbortSignal, body?: { body: Buffer; contentType: string }): Promise<HttpAnswer> {
    return httpRequest({
      url: endpoint(this.base, path),
      method,
      headers: { accept: 'application/json', ...authHeaders(this.config), ...(body ? { 'content-type': body.contentType } : {}) },
      ...(body ? { body: body.body } : {}),
      ...(signal ? { signal } : {}),
      limits,
      ...(this.config.ca ? { ca: this.config.ca } : {}),
      label: this.label,
    });
  }

  protected async probe(signal?: AbortSignal): Promise<ServerTest> {
    const t0 = Date.now();
    const fail = (message: string): ServerTest => ({ ok: false, kind: 'openai', product: null, model: null, latencyMs: null, message, testedAt: Date.now() });
    let answer: HttpAnswer;
    try {
      answer = await this.request('GET', MODELS_PATH, this.o.callLimits, signal);
    } catch (err) {
      return fail((err as Error).message);
    }
    if (answer.status !== 200) return fail(statusFailure(answer.status, answer.headers, answer.body, this.label, `/${MODELS_PATH}`).message);
    const info = parseModelsAnswer(answer.body);
    if (!info) return fail(`${this.label} answers, but /${MODELS_PATH} is not an OpenAI-style model list. Is it a Glimmer server?`);
    this.described = info;
    return {
      ok: true,
      kind: 'openai',
      product: info.product,
      model: info.model,
      latencyMs: Date.now() - t0,
      message: `${info.product} answers${info.model ? `, serving ${info.model}` : ''}.`,
      testedAt: Date.now(),
    };
  }

  /** Which model the server serves (asked once; unknown when it does not say). */
  private async describe(signal?: AbortSignal): Promise<{ model: string | null; product: string | null }> {
    if (this.described) return this.described;
    try {
      const answer = await this.request('GET', MODELS_PATH, this.o.callLimits, signal);
      if (answer.status === 200) this.described = parseModelsAnswer(answer.body);
    } catch (err) {
      if (signal?.aborted) throw err;
    }
    return this.described ?? { model: null, product: null };
  }

  protected async runJob(job: RemoteJob, opts: RemoteRunOptions): Promise<number> {
    const req = job.request;
    const limits = targetLimits('openai', req);
    const refused = blockingProblem(this.config, limits);
    if (refused) throw refused;
    const images = requestImageBytes(req, job.inputs);
    const width = roundTo32(req.width);
    const height = roundTo32(req.height);
    const baseSeed = req.seed ?? Math.floor(Math.random() * 2 ** 32);
    const about = await this.describe(opts.signal);
    const info = remoteInfo(this.config, about.product, about.model, limits);
    const units = jobUnits(width, height, req.steps);
    let made = 0;
    for (let i = 0; i < req.count; i++) {
      if (opts.signal?.aborted) throw RemoteError.cancelled();
      opts.onImageStart?.(i);
      const seed = (baseSeed + i) % Number.MAX_SAFE_INTEGER;
      const params: ImageParams = { prompt: req.prompt, width, height, seed, steps: req.steps, guidance: req.guidance };
      const body = images.length === 0 ? generationBody(params) : editBody(params, images.map((im) => im.bytes));
      const path = images.length === 0 ? GENERATIONS_PATH : EDITS_PATH;
      const t0 = Date.now();
      const stopTicks = this.tick(units, t0, opts.onProgress);
      let answer: HttpAnswer;
      try {
        answer = await withRetries(
          async () => {
            const a = await this.request('POST', path, this.o.limits, opts.signal, body);
            if (a.status < 200 || a.status > 299) throw statusFailure(a.status, a.headers, a.body, this.label, `/${path}`);
            return a;
          },
          this.o.retry,
          opts.signal,
          (err, delay, attempt) => this.o.log(`[remote] ${this.config.name}: try ${attempt} failed (${scrubKey(err.message, this.config.key)}); again in ${Math.round(delay / 100) / 10} s`),
        );
      } finally {
        stopTicks();
      }
      const [bytes] = parseImagesAnswer(answer.body, this.label);
      const pixels = await checkRemoteImage(bytes!, { width, height }, this.label);
      const elapsed = Date.now() - t0;
      this.o.history?.record(this.config.id, elapsed, units);
      const recipe = openAiRecipe({ app: this.o.app, request: req, width, height, seed, references: images.map((im) => im.bytes), elapsedMs: elapsed, remote: info });
      await opts.onImage?.({ pixels, recipe, timings: { remote: elapsed } }, i);
      made += 1;
    }
    return made;
  }

  /** Estimated progress while the server works (it says nothing until the image is done). */
  private tick(units: number, t0: number, onProgress: RemoteRunOptions['onProgress']): () => void {
    if (!onProgress) return () => undefined;
    const estimate = this.o.history?.estimate(this.config.id, units) ?? null;
    const report = () => {
      const elapsed = Date.now() - t0;
      const p: RemoteProgress =
        estimate === null
          ? { phase: 'remote', step: 0, total: 0, etaMs: null, estimated: true }
          : { phase: 'remote', step: Math.min(99, Math.floor((100 * elapsed) / estimate)), total: 100, etaMs: Math.max(0, estimate - elapsed), estimated: true };
      onProgress(p);
    };
    report();
    const timer = setInterval(report, this.o.tickMs);
    return () => clearInterval(timer);
  }
}
