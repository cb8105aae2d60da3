/**
 * One HTTP(S) request to a remote engine, with the limits a job needs: connecting must finish in
 * time, the whole exchange must finish in time, an answer that stops arriving (a stall) ends, an
 * answer larger than the cap is cut off, and the caller's signal aborts it (the connection closes,
 * so the server sees the job go away). Every failure is a RemoteError naming what happened in words
 * (refused, no such host, TLS, timed out, stalled, dropped, too large, cancelled).
 * node:http rather than fetch: a custom CA, byte counting as it arrives, and a socket we can close.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { RemoteError, networkFailure } from './errors';

export interface HttpLimits {
  /** TCP (and TLS) connection established within this (ms). */
  connectTimeoutMs: number;
  /** The whole exchange within this (ms): a generation on a busy GPU takes minutes. */
  timeoutMs: number;
  /** Once the answer has begun, no byte for this long ends it (ms). */
  stallMs: number;
  /** Largest answer accepted (bytes). */
  maxBytes: number;
}

export interface HttpRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
  limits: HttpLimits;
  /** Extra trusted CA certificates (PEM), for a server with its own certificate. */
  ca?: string;
  /** Who is asked, for messages: 'The server "GPU box"'. */
  label: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 || ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function httpRequest(r: HttpRequest): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    if (r.signal?.aborted) {
      reject(RemoteError.cancelled());
      return;
    }
    const mod = r.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'user-agent': 'glimmer-studio', ...(r.headers ?? {}) };
    if (r.body) headers['content-length'] = String(r.body.length);
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    let stallTimer: NodeJS.Timeout | null = null;
    const finish = (err: RemoteError | null, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      if (stallTimer) clearTimeout(stallTimer);
      r.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(answer!);
    };
    const onAbort = () => finish(RemoteError.cancelled());
    r.signal?.addEventListener('abort', onAbort, { once: true });

    const req = mod.request(r.url, {
      method: r.method,
      headers,
      agent: false,
      ...(r.ca ? { ca: r.ca } : {}),
    });
    timers.push(
      setTimeout(
        () => finish(new RemoteError('timeout', `${r.label} did not finish within ${seconds(r.limits.timeoutMs)}. It may be overloaded; try again later, or raise its time limit.`, { retryable: false })),
        r.limits.timeoutMs,
      ),
    );
    req.on('socket', (socket) => {
      const connected = r.url.protocol === 'https:' ? 'secureConnect' : 'connect';
      const t = setTimeout(
        () => finish(new RemoteError('connect_timeout', `${r.label} did not accept a connection within ${seconds(r.limits.connectTimeoutMs)}. Check the address and that it is reachable from here.`, { retryable: true })),
        r.limits.connectTimeoutMs,
      );
      timers.push(t);
      socket.once(connected, () => clearTimeout(t));
    });
    req.on('error', (err) => finish(networkFailure(err, r.label, r.url)));
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > r.limits.maxBytes) {
        finish(RemoteError.tooLarge(r.label, r.limits.maxBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const armStall = () => {
        if (stallTimer) clearTimeout(stallTimer);
        stallTimer = setTimeout(
          () => finish(new RemoteError('stall', `${r.label} stopped sending its answer (nothing for ${seconds(r.limits.stallMs)}).`, { retryable: true })),
          r.limits.stallMs,
        );
      };
      armStall();
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > r.limits.maxBytes) {
          finish(RemoteError.tooLarge(r.label, r.limits.maxBytes));
          return;
        }
        chunks.push(chunk);
        armStall();
      });
      res.on('end', () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) => finish(networkFailure(err, r.label, r.url)));
      res.on('aborted', () => finish(new RemoteError('dropped', `${r.label} closed the connection before its answer was complete.`, { retryable: true })));
    });
    req.end(r.body);
  });
}
