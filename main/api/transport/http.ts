/**
 * `serve` transport: the built renderer plus the API over HTTP (POST /api/call/<method>) and a
 * WebSocket (/api/events) for events, bound to loopback by default. Every request needs the access
 * token (Bearer header, the cookie set when the page is opened with ?token=, or ?token= itself);
 * Host and Origin must be ours (no DNS rebinding, no cross-site calls).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { type CallResult, LIMITS, type ErrorCode, type ErrorShape, GlimmerError, toErrorShape, type EventBus } from '../../contract';
import { contentSecurityPolicy } from '../csp';
import { type MediaRoots, mediaContentType, parseMediaUrl, resolveMediaPath } from '../media';
import type { Router } from '../router';
import { clientOf } from './client-id';
import type { RouteHook } from './openai-images';

export interface HttpServerOptions {
  router: Router;
  events: EventBus;
  /** Built renderer (index.html + assets); null serves the API only. */
  staticDir: string | null;
  mediaRoots: MediaRoots;
  host?: string;
  port?: number;
  token?: string;
  maxRequestBytes?: number;
  log?: (message: string) => void;
  /** Routes tried (after the token check) before the API: `serve`'s OpenAI-compatible images API. */
  routes?: RouteHook[];
  /** HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** More Host names (with no port) this server answers to: its addresses when it listens beyond loopback. */
  hostNames?: string[];
  /**
   * Listening beyond loopback: API clients with the token as a Bearer header may name this server
   * however their network does (the Host check stays for everyone else).
   */
  anyHostWithBearer?: boolean;
}

export interface RunningServer {
  url: string;
  /** The URL to open, with the token. */
  openUrl: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'glimmer_token';

const STATUS: Partial<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  unavailable: 503,
};

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webp': 'image/webp',
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxBytes = options.maxRequestBytes ?? LIMITS.maxRequestBytes;
  const log = options.log ?? (() => {});
  const staticDir = options.staticDir ? path.resolve(options.staticDir) : null;
  let port = 0;

  const allowedHosts = (): Set<string> => {
    const names = new Set(['127.0.0.1', 'localhost', '[::1]', formatHost(host), ...(options.hostNames ?? []).map((n) => formatHost(n.toLowerCase()))]);
    return new Set([...names].map((n) => `${n}:${port}`));
  };
  const scheme = options.tls ? 'https:' : 'http:';

  /** An API client with the token in its Authorization header (no browser can be made to send that). */
  function bearerAuthorised(req: http.IncomingMessage): boolean {
    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : null;
    return bearer !== null && sameToken(bearer, token);
  }

  function authorised(req: http.IncomingMessage, url: URL): boolean {
    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : null;
    const candidate = bearer ?? cookieToken(req.headers.cookie) ?? url.searchParams.get('token');
    return candidate !== null && sameToken(candidate, token);
  }

  /** Host header must be ours; Origin, when a browser sends one, must be ours too. */
  function checkOrigin(req: http.IncomingMessage): ErrorShape | null {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    // the Host check keeps DNS-rebound pages out; a Bearer token cannot come from one (a studio on
    // another machine names this one however its network does)
    if (!allowedHosts().has(hostHeader) && !(options.anyHostWithBearer === true && bearerAuthorised(req))) return { code: 'forbidden', message: 'Unknown Host header.' };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let originHost: string;
      try {
        const o = new URL(origin);
        originHost = o.protocol === scheme ? o.host.toLowerCase() : '';
      } catch {
        originHost = '';
      }
      if (!allowedHosts().has(originHost)) return { code: 'forbidden', message: 'Requests from other sites are refused.' };
    } else if (origin === 'null') {
      return { code: 'forbidden', message: 'Requests from other sites are refused.' };
    }
    return null;
  }

  function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(text);
  }

  function sendError(res: http.ServerResponse, error: ErrorShape): void {
    const result: CallResult<never> = { ok: false, error };
    sendJson(res, STATUS[error.code] ?? 500, result);
  }

  /**
   * Reads a JSON body up to maxBytes. An oversized body is refused with 'too_large' only once the
   * client has finished sending it (drained, not kept), so the client reads our answer instead of a
   * reset connection; a body far beyond the limit gets its connection closed.
   */
  function readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const tooLarge = () => new GlimmerError('too_large', `The request is larger than ${maxBytes} bytes.`);
      const chunks: Buffer[] = [];
      let size = 0;
      let over = Number(req.headers['content-length'] ?? '0') > maxBytes;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) over = true;
        if (over) {
          chunks.length = 0;
          if (size > maxBytes * 16) {
            req.destroy();
            reject(tooLarge());
          }
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
      req.on('error', (err) => reject(err));
    });
  }

  async function handleCall(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, { code: 'bad_request', message: 'API calls are POST requests.' });
      return;
    }
    let request: unknown;
    try {
      const body = await readBody(req);
      request = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (err) {
      if (err instanceof GlimmerError) {
        sendError(res, err.toShape());
        return;
      }
      sendError(res, { code: 'bad_request', message: 'The request body is not valid JSON.' });
      return;
    }
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const result = await options.router.call(method, request, { transport: 'http', signal: controller.signal, client: clientOf(req) });
    if (result.ok) sendJson(res, 200, result);
    else sendError(res, result.error);
  }

  function serveFile(res: http.ServerResponse, file: string, contentType: string, extraHeaders: Record<string, string> = {}): void {
    const stat = statSync(file);
    res.writeHead(200, {
      'content-type': contentType,
      'content-length': stat.size,
      'x-content-type-options': 'nosniff',
      ...extraHeaders,
    });
    createReadStream(file).pipe(res);
  }

  function handleStatic(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (!staticDir || !existsSync(path.join(staticDir, 'index.html'))) {
      sendError(res, {
        code: 'not_found',
        message: 'The renderer is not built. Run `npm run build` (npm start and npm test build it for you).',
      });
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      sendError(res, { code: 'bad_request', message: 'Bad path.' });
      return;
    }
    const candidate = path.resolve(staticDir, `.${rel}`);
    const inside = candidate.startsWith(staticDir + path.sep);
    const file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : path.join(staticDir, 'index.html');
    const headers: Record<string, string> = {
      'content-security-policy': contentSecurityPolicy(),
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    };
    if (url.searchParams.get('token') !== null) {
      headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    serveFile(res, file, STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream', headers);
  }

  function handleMedia(res: http.ServerResponse, url: URL): void {
    try {
      const { root, path: rel } = parseMediaUrl(url.pathname);
      const file = resolveMediaPath(options.mediaRoots, root, rel);
      serveFile(res, file, mediaContentType(file), { 'cache-control': 'private, max-age=31536000, immutable' });
    } catch (err) {
      sendError(res, toErrorShape(err));
    }
  }

  async function tryRoutes(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    for (const route of options.routes ?? []) {
      if (await route(req, res, url, { readBody, sendJson, sendError })) return true;
    }
    return false;
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendError(res, { code: 'bad_request', message: 'Bad URL.' });
      return;
    }
    const originProblem = checkOrigin(req);
    if (originProblem) {
      sendError(res, originProblem);
      return;
    }
    if (!authorised(req, url)) {
      sendError(res, { code: 'unauthorized', message: 'Open the URL that `glimmer serve` printed: it carries the access token.' });
      return;
    }
    if (options.routes?.length) {
      tryRoutes(req, res, url)
        .then((handled) => {
          if (!handled) route(req, res, url);
        })
        .catch((err) => {
          log(`[serve] ${url.pathname} failed: ${String(err)}`);
          if (!res.headersSent) sendError(res, toErrorShape(err));
        });
      return;
    }
    route(req, res, url);
  };

  function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const apiPrefix = '/api/call/';
    if (url.pathname.startsWith(apiPrefix)) {
      handleCall(req, res, decodeURIComponent(url.pathname.slice(apiPrefix.length))).catch((err) => {
        log(`[serve] call failed: ${String(err)}`);
        if (!res.headersSent) sendError(res, toErrorShape(err));
      });
      return;
    }
    if (url.pathname.startsWith('/media/')) {
      handleMedia(res, url);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, { code: 'bad_request', message: 'Only GET is served here.' });
      return;
    }
    handleStatic(req, res, url);
  }
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);
  server.on('clientError', (_err, socket) => {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const problem = checkOrigin(req) ?? (authorised(req, url) ? null : { code: 'unauthorized', message: 'Missing token.' });
    if (url.pathname !== '/api/events' || problem) {
      socket.end(`HTTP/1.1 ${problem?.code === 'unauthorized' ? '401 Unauthorized' : '403 Forbidden'}\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const unsubscribe = options.events.subscribe((message) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      });
      ws.on('close', () => {
        unsubscribe();
        sockets.delete(ws);
      });
      ws.on('message', () => {
        // the event socket is one-way; calls go over HTTP
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `${scheme}//${formatHost(host)}:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${encodeURIComponent(token)}`,
    port,
    host,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
