/**
 * How a remote engine fails, in words a user can act on, with what the retry logic needs: whether
 * trying again may help (a dropped connection, 429, 502-504) and how long the server asked us to
 * wait (Retry-After). The code is one of ours, so a job's error and the CLI's exit status follow it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type ErrorCode, GlimmerError } from '../contract';

export type RemoteFailure =
  | 'refused'
  | 'unreachable'
  | 'dns'
  | 'tls'
  | 'connect_timeout'
  | 'timeout'
  | 'stall'
  | 'dropped'
  | 'too_large'
  | 'status'
  | 'bad_answer'
  | 'cancelled';

const CODES: Record<RemoteFailure, ErrorCode> = {
  refused: 'unavailable',
  unreachable: 'unavailable',
  dns: 'unavailable',
  tls: 'unavailable',
  connect_timeout: 'unavailable',
  timeout: 'unavailable',
  stall: 'unavailable',
  dropped: 'unavailable',
  too_large: 'too_large',
  status: 'unavailable',
  bad_answer: 'bad_image',
  cancelled: 'cancelled',
};

export interface RemoteErrorOptions {
  retryable?: boolean;
  /** The server asked us to wait this long before trying again (429/503 Retry-After). */
  retryAfterMs?: number;
  status?: number;
  code?: ErrorCode;
}

export class RemoteError extends GlimmerError {
  readonly reason: RemoteFailure;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(reason: RemoteFailure, message: string, options: RemoteErrorOptions = {}) {
    super(options.code ?? CODES[reason], message, options.status !== undefined ? { status: options.status } : undefined);
    this.name = 'RemoteError';
    this.reason = reason;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  /** A failure of the server itself (down, unreachable, failing): its pool skips it for a while. */
  get serverFault(): boolean {
    return this.reason !== 'cancelled' && this.reason !== 'too_large' && !(this.reason === 'status' && this.status !== undefined && this.status < 500 && this.status !== 429);
  }

  static cancelled(): RemoteError {
    return new RemoteError('cancelled', 'Generation was cancelled.');
  }

  static tooLarge(label: string, maxBytes: number): RemoteError {
    return new RemoteError('too_large', `${label} sent an answer larger than ${Math.round(maxBytes / (1024 * 1024))} MB; it was cut off and nothing was kept.`);
  }
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|EPROTO|ERR_SSL)/;

/** A socket-level failure (no HTTP status) in words. */
export function networkFailure(err: unknown, label: string, url: URL): RemoteError {
  if (err instanceof RemoteError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const detail = (e?.message ?? String(err)).split('\n')[0]!.slice(0, 200);
  const where = `${url.hostname}${url.port ? `:${url.port}` : ''}`;
  if (code === 'ECONNREFUSED') {
    return new RemoteError('refused', `${label} refused the connection at ${where}: nothing is listening there. Check the URL and that the server is running.`, { retryable: true });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new RemoteError('dns', `${label}: there is no host named ${url.hostname}. Check the URL.`, { retryable: code === 'EAI_AGAIN' });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return new RemoteError('unreachable', `${label} cannot be reached at ${where} from this machine (${code}). Check the network and the URL.`, { retryable: true });
  }
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(detail)) {
    const hint =
      url.protocol === 'https:' && /wrong version number|packet length too long|EPROTO/i.test(`${code} ${detail}`)
        ? ' It may not speak HTTPS: try http:// instead.'
        : ' Use a certificate this machine trusts (or add its CA), or check the URL.';
    return new RemoteError('tls', `${label}: the secure connection failed (${detail}).${hint}`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || /socket hang up/i.test(detail)) {
    return new RemoteError('dropped', `${label} dropped the connection before answering.`, { retryable: true });
  }
  return new RemoteError('dropped', `${label}: the connection failed (${code || detail}).`, { retryable: true });
}

/** Retry-After as milliseconds (delta seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const v = headers['retry-after'];
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The server's own words from an error body (OpenAI, FastAPI or Glimmer shape), short and on one line. */
export function serverDetail(body: Buffer): string {
  const text = body.subarray(0, 64 * 1024).toString('utf8');
  let detail = text;
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; detail?: unknown; message?: unknown };
    const candidate =
      (typeof j.error === 'object' && j.error ? j.error.message : j.error) ??
      (typeof j.detail === 'string' ? j.detail : Array.isArray(j.detail) ? JSON.stringify(j.detail) : undefined) ??
      j.message;
    if (typeof candidate === 'string') detail = candidate;
  } catch {
    // not JSON: the text itself
  }
  // control characters out, one line, bounded
  return detail.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 300);
}

/** An HTTP error status in words (never called with 2xx). */
export function statusFailure(status: number, headers: IncomingHttpHeaders, body: Buffer, label: string, path: string): RemoteError {
  const detail = serverDetail(body);
  const said = detail ? `: ${detail}` : '.';
  const o = { status };
  switch (true) {
    case status === 401:
      return new RemoteError('status', `${label} refused the key (401)${said} Set the right key for it in Settings, or GLIMMER_ENGINE_KEY for the CLI.`, { ...o, code: 'unauthorized' });
    case status === 403:
      return new RemoteError('status', `${label} does not allow this (403)${said} Check its key.`, { ...o, code: 'forbidden' });
    case status === 404:
      return new RemoteError('status', `${label} has no ${path} (404). Is the URL right, and is the server of the kind chosen for it?`, { ...o, code: 'not_found' });
    case status === 405:
      return new RemoteError('status', `${label} does not take ${path} (405). Is the server of the kind chosen for it?`, { ...o, code: 'not_found' });
    case status === 413:
      return new RemoteError('status', `${label} refused the request as too large (413). Use smaller reference images.`, { ...o, code: 'too_large' });
    case status === 400 || status === 422:
      return new RemoteError('status', `${label} refused the request (${status})${said}`, { ...o, code: 'bad_request' });
    case status === 429: {
      const wait = retryAfterMs(headers);
      return new RemoteError('status', `${label} is busy (429)${said}`, { ...o, retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
    }
    case status === 502 || status === 503 || status === 504: {
      const wait = retryAfterMs(headers);
      return new RemoteError('status', `${label} is not available (${status})${said}`, { ...o, retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
    }
    case status >= 500:
      return new RemoteError('status', `${label} failed the job (${status})${said}`, o);
    default:
      return new RemoteError('status', `${label} answered with HTTP ${status}${said}`, o);
  }
}

/**
 * The error with the key cut out of its words: a server may echo what it was sent (a 401 that quotes
 * the Authorization header), and these words reach logs and the screen.
 */
export function withoutKey<E>(err: E, key: string | undefined): E {
  if (!key || !(err instanceof Error) || !err.message.includes(key)) return err;
  const message = scrubKey(err.message, key);
  if (err instanceof RemoteError) {
    return new RemoteError(err.reason, message, {
      retryable: err.retryable,
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      ...(err.status !== undefined ? { status: err.status } : {}),
      code: err.code,
    }) as E;
  }
  if (err instanceof GlimmerError) return new GlimmerError(err.code, message, err.details) as E;
  return new Error(message) as E;
}

/** Text with the key cut out. */
export function scrubKey(text: string, key: string | undefined): string {
  return key ? text.split(key).join('[key]') : text;
}
