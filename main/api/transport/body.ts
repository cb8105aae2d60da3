/**
 * Request bodies of API calls: JSON only (Content-Type application/json, which a cross-site form or
 * a simple fetch cannot send without a preflight), read up to a limit and cut there: a body declared
 * or found larger is refused with too_large at once and its connection closed, never read further.
 * Large bodies (over `largeBytes`, or of unknown length) wait for one of a few slots, so concurrent
 * uploads cannot hold more than slots × limit bytes in memory.
 */
import type http from 'node:http';
import { GlimmerError } from '../../contract';

export class BodyError extends GlimmerError {
  constructor(
    code: 'bad_request' | 'too_large' | 'unavailable',
    message: string,
    /** HTTP status when the code's usual one does not fit (415 for a wrong Content-Type). */
    readonly status?: number,
  ) {
    super(code, message);
  }
}

export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json';
}

/** A counting semaphore with a bounded wait list. */
export class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(
    private readonly size: number,
    private readonly maxWaiting: number,
  ) {}

  /** Resolves with a release function; throws unavailable when too many already wait. */
  async acquire(): Promise<() => void> {
    if (this.used >= this.size) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new BodyError('unavailable', 'Too many large requests at once. Try again in a moment.');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.used++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    };
  }
}

export interface BodyLimits {
  maxBytes: number;
  /** Bodies above this size (or of unknown length) take a slot. */
  largeBytes: number;
  slots: Slots;
}

function declaredLength(req: http.IncomingMessage): number | null {
  const h = req.headers['content-length'];
  if (h === undefined) return null;
  const n = Number(h);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError('too_large', `The request is larger than ${maxBytes} bytes.`);
}

/** Reads the body (at most maxBytes); rejects with a BodyError. */
export async function readBody(req: http.IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = declaredLength(req);
  if (declared !== null && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  if (declared === 0) return Buffer.alloc(0);
  const release = declared === null || declared > limits.largeBytes ? await limits.slots.acquire() : () => undefined;
  try {
    // the client may have gone away while this request waited for a slot: its events are over
    if (req.destroyed) throw new BodyError('bad_request', 'The client went away before sending the whole request.');
    return await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          cleanup();
          chunks.length = 0;
          req.pause();
          reject(tooLarge(limits.maxBytes));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => {
        cleanup();
        resolve(Buffer.concat(chunks));
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onAborted = () => {
        cleanup();
        reject(new BodyError('bad_request', 'The client went away before sending the whole request.'));
      };
      const cleanup = () => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        req.off('close', onClose);
      };
      const onClose = () => {
        if (!req.complete) onAborted();
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      req.on('close', onClose);
    });
  } finally {
    release();
  }
}

/** The JSON object of an API call's body: {} for an empty body; bad_request for anything else. */
export async function readJsonBody(req: http.IncomingMessage, limits: BodyLimits): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new BodyError('bad_request', 'API calls send JSON: set Content-Type: application/json.', 415);
  }
  const body = await readBody(req, limits);
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch {
    throw new BodyError('bad_request', 'The request body is not valid JSON (UTF-8).');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BodyError('bad_request', 'The request body is a JSON object.');
  }
  return value;
}
