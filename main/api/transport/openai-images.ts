/**
 * `glimmer serve` as an OpenAI-compatible image server, so existing OpenAI-style clients (and other
 * studios that speak to vLLM-Omni or SGLang-Diffusion) can use a Glimmer box:
 *   POST /v1/images/generations  JSON: prompt, size "WxH", n, seed, num_inference_steps, guidance_scale
 *   POST /v1/images/edits        multipart: image / image[] (1-4, the first is edited), prompt, size
 *                                ("auto": the first image's), the same extensions, and mask (OpenAI's:
 *                                transparent = change; a mask without alpha: white = change)
 *   GET  /v1/models              the model this box serves
 * The same shapes our own remote engine sends (main/remote/openai-wire.ts); answers are b64_json PNGs
 * (with the recipe in their metadata). Each request becomes a job in this box's queue, so clients are
 * taken in turn with everyone else's, and a client that goes away cancels its job. The access token is
 * required as for every request (a Bearer header for API clients).
 */
import type http from 'node:http';
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { type ErrorShape, GenerateRequest, type GenerateRequestInput, GlimmerError, type ImageRef, type JobInfo, toErrorShape } from '../../contract';
import { decodeMultipart, type FormPart, multipartBoundary, roundTo32, sniffImageType } from '../../remote';
import type { AppContext } from '../../studio/context';
import { clientOf } from './client-id';

/** What http.ts lends a route: its bounded body reader and its JSON and error answers. */
export interface RouteIo {
  readBody(req: http.IncomingMessage): Promise<Buffer>;
  sendJson(res: http.ServerResponse, status: number, body: unknown): void;
  sendError(res: http.ServerResponse, error: ErrorShape): void;
}

/** A route tried before the API: true when it answered the request. */
export type RouteHook = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, io: RouteIo) => Promise<boolean>;

const FINISHED = new Set(['done', 'failed', 'cancelled', 'interrupted']);

interface Fields {
  prompt?: unknown;
  n?: unknown;
  size?: unknown;
  seed?: unknown;
  num_inference_steps?: unknown;
  guidance_scale?: unknown;
  response_format?: unknown;
  user?: unknown;
}

function bad(message: string): GlimmerError {
  return new GlimmerError('bad_request', message);
}

function num(v: unknown, name: string, integer: boolean): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw bad(`${name} must be ${integer ? 'a whole number' : 'a number'}.`);
  return n;
}

/** "WxH" rounded to multiples of 32, or the fallback for absent/"auto". */
function size(v: unknown, fallback: { width: number; height: number }): { width: number; height: number } {
  if (v === undefined || v === null || v === '' || v === 'auto') return fallback;
  const m = typeof v === 'string' ? /^\s*(\d{1,5})\s*x\s*(\d{1,5})\s*$/i.exec(v) : null;
  if (!m) throw bad(`size must look like "1024x768" (width x height), not ${JSON.stringify(String(v)).slice(0, 40)}.`);
  return { width: roundTo32(Number(m[1])), height: roundTo32(Number(m[2])) };
}

/** The request as a GenerateRequest (validated: the same limits as the studio's own). */
function toRequest(f: Fields, mode: 'text' | 'edit', dims: { width: number; height: number }, images: ImageRef[], mask: ImageRef | undefined): GenerateRequest {
  if (typeof f.prompt !== 'string' || f.prompt.trim() === '') throw bad('prompt is required.');
  if (f.response_format !== undefined && f.response_format !== null && f.response_format !== 'b64_json') {
    throw bad('Only response_format "b64_json" is served here.');
  }
  const input: Record<string, unknown> = {
    mode,
    prompt: f.prompt,
    ...dims,
    count: num(f.n, 'n', true) ?? 1,
  };
  const seed = num(f.seed, 'seed', true);
  const steps = num(f.num_inference_steps, 'num_inference_steps', true);
  const guidance = num(f.guidance_scale, 'guidance_scale', false);
  if (seed !== undefined) input.seed = seed;
  if (steps !== undefined) input.steps = steps;
  if (guidance !== undefined) input.guidance = guidance;
  if (mode === 'edit') {
    input.images = images;
    if (mask) input.mask = mask;
  }
  const parsed = GenerateRequest.safeParse(input as GenerateRequestInput);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const names: Record<string, string> = { count: 'n', steps: 'num_inference_steps', guidance: 'guidance_scale', width: 'size', height: 'size' };
    const field = String(i.path[0] ?? 'request');
    throw bad(`${names[field] ?? field}: ${i.message}.`);
  }
  return parsed.data;
}

/** OpenAI's mask (transparent = change) as ours (white = change); a mask without alpha is ours already. */
async function ourMask(bytes: Buffer): Promise<Buffer> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    throw new GlimmerError('bad_image', 'The mask is not an image.');
  }
  if (!meta.hasAlpha) return bytes;
  return sharp(bytes).ensureAlpha().extractChannel('alpha').negate().png().toBuffer();
}

async function editParts(parts: FormPart[]): Promise<{ fields: Fields; images: Buffer[]; mask: Buffer | undefined }> {
  const fields: Record<string, string> = {};
  const images: Buffer[] = [];
  let mask: Buffer | undefined;
  for (const p of parts) {
    if (p.name === 'image' || p.name === 'image[]') {
      if (!sniffImageType(p.data)) throw new GlimmerError('bad_image', `${p.filename ?? 'An image'} is not a PNG, JPEG or WebP image.`);
      images.push(p.data);
    } else if (p.name === 'mask' || p.name === 'mask_image') {
      mask = p.data;
    } else if (p.filename === null && p.data.length <= 100_000) {
      fields[p.name] = p.data.toString('utf8');
    }
  }
  if (images.length === 0) throw bad('image is required: send it as image or image[] (1 to 4 files).');
  if (images.length > 4) throw bad('At most 4 images can be sent.');
  return { fields, images, mask };
}

/** Resolves with the job once it has finished; a client that goes away cancels it. */
function finished(ctx: AppContext, cancel: () => void, id: string, res: http.ServerResponse, current: () => JobInfo): Promise<JobInfo> {
  return new Promise((resolve) => {
    let done = false;
    const end = (job: JobInfo) => {
      if (done) return;
      done = true;
      unsubscribe();
      res.off('close', onClose);
      resolve(job);
    };
    const unsubscribe = ctx.events.subscribe((m) => {
      if (m.event !== 'job.updated') return;
      const job = (m.payload as { job: JobInfo }).job;
      if (job.id === id && FINISHED.has(job.state)) end(job);
    });
    const onClose = () => {
      if (!res.writableFinished && !done) {
        try {
          cancel();
        } catch {
          // finished meanwhile
        }
      }
    };
    res.on('close', onClose);
    const now = current();
    if (FINISHED.has(now.state)) end(now);
  });
}

export function openAiImagesRoute(ctx: AppContext): RouteHook {
  return async (req, res, url, io) => {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/v1/models' && (req.method === 'GET' || req.method === 'HEAD')) {
      const status = await ctx.engine.status();
      const id = status.model?.id || 'glimmer-studio';
      io.sendJson(res, 200, { object: 'list', data: [{ id, object: 'model', owned_by: 'glimmer-studio', root: status.model?.dir ? 'GLM-Image' : null }] });
      return true;
    }
    if (path !== '/v1/images/generations' && path !== '/v1/images/edits') return false;
    try {
      if (req.method !== 'POST') throw bad(`${path} takes POST requests.`);
      const body = await io.readBody(req);
      let request: GenerateRequest;
      let fields: Fields;
      if (path === '/v1/images/generations') {
        try {
          fields = JSON.parse(body.toString('utf8')) as Fields;
        } catch {
          throw bad('The body must be JSON.');
        }
        if (!fields || typeof fields !== 'object') throw bad('The body must be a JSON object.');
        request = toRequest(fields, 'text', size(fields.size, { width: 1024, height: 1024 }), [], undefined);
      } else {
        const boundary = multipartBoundary(req.headers['content-type']);
        if (!boundary) throw bad('/v1/images/edits takes multipart/form-data.');
        const parts = await editParts(decodeMultipart(body, boundary));
        fields = parts.fields;
        let first: Metadata;
        try {
          first = await sharp(parts.images[0]!).metadata();
        } catch {
          throw new GlimmerError('bad_image', 'The first image cannot be read.');
        }
        const auto = { width: roundTo32(first.width ?? 1024), height: roundTo32(first.height ?? 1024) };
        const mask = parts.mask ? { dataBase64: (await ourMask(parts.mask)).toString('base64') } : undefined;
        request = toRequest(fields, 'edit', size(fields.size, auto), parts.images.map((b) => ({ dataBase64: b.toString('base64') })), mask);
      }
      const queue = await ctx.engine.queue();
      const client = typeof fields.user === 'string' && /^[\w.@:-]{1,100}$/.test(fields.user) ? `user:${fields.user}` : clientOf(req);
      const job = await queue.submitChecked(request, client);
      const end = await finished(ctx, () => queue.cancel(job.id), job.id, res, () => queue.get(job.id));
      if (res.destroyed) return true;
      if (end.state !== 'done') {
        throw end.error ? new GlimmerError(end.error.code, end.error.message) : new GlimmerError('unavailable', `The job ended ${end.state}.`);
      }
      const lib = await ctx.library();
      const data = await Promise.all(
        end.generationIds.map(async (gid) => {
          const g = lib.getGeneration(Number(gid));
          if (!g.media) throw new GlimmerError('internal', `Generation ${gid} has no image.`);
          return { b64_json: (await readFile(lib.imageFile(g.media.hash))).toString('base64'), revised_prompt: null };
        }),
      );
      io.sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data, output_format: 'png', size: `${request.width}x${request.height}` });
    } catch (err) {
      if (!res.headersSent && !res.destroyed) io.sendError(res, toErrorShape(err));
    }
    return true;
  };
}
