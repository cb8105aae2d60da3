/**
 * `serve` transport: the built renderer plus the API over HTTP (POST /api/call/<method>) and a
 * WebSocket (/api/events) for events, bound to loopback by default. Host, Origin and the access
 * token are checked first (access.ts); bodies are JSON, limited and cut at the limit (body.ts).
 * Every request and every upgrade runs inside one error boundary: whatever a request does, it gets
 * a 4xx/5xx answer (or its connection closed) and the process keeps serving.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { type CallResult, LIMITS, type ErrorShape, GlimmerError, toErrorShape, type EventBus } from '../../contract';
import { contentSecurityPolicy } from '../csp';
import { rendererContentType } from '../files';
import { type MediaRoots, mediaContentType, parseMediaUrl, resolveMediaPath } from '../media';
import type { Router } from '../router';
import { createAccess, formatHost } from './access';
import { BodyError, readBody, readJsonBody, Slots } from './body';
import { clientOf } from './client-id';
import type { RouteHook } from './openai-images';
import { sendFile } from './send-file';
import { httpStatus } from './status';

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
  /** Bodies above this many bytes (or of unknown length) are read at most `largeRequestSlots` at a time. */
  largeRequestBytes?: number;
  largeRequestSlots?: number;
  /** Large requests that may wait for a slot; more are refused with unavailable. */
  largeRequestWaiting?: number;
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
  /** The URL to open, with the token (it sets the cookie and redirects to `url`). */
  openUrl: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

const API_PREFIX = '/api/call/';

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, error: ErrorShape, status = httpStatus(error.code), headers: Record<string, string> = {}): void {
  const result: CallResult<never> = { ok: false, error };
  sendJson(res, status, result, headers);
}

/** A request target as a URL; bad_request for one that is not a path ('//', 'http://[', ...). */
function parseTarget(target: string | undefined): URL {
  if (!target || !target.startsWith('/') || target.startsWith('//')) {
    throw new GlimmerError('bad_request', 'Bad request target.');
  }
  try {
    return new URL(target, 'http://localhost');
  } catch {
    throw new GlimmerError('bad_request', 'Bad request target.');
  }
}

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new GlimmerError('bad_request', 'Bad percent-encoding in the path.');
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxBytes = options.maxRequestBytes ?? LIMITS.maxRequestBytes;
  const limits = {
    maxBytes,
    largeBytes: options.largeRequestBytes ?? 1024 * 1024,
    slots: new Slots(options.largeRequestSlots ?? 4, options.largeRequestWaiting ?? 64),
  };
  const log = options.log ?? ((line: string) => console.error(line));
  const staticDir = options.staticDir ? path.resolve(options.staticDir) : null;
  let port = 0;
  const scheme = options.tls ? 'https:' : 'http:';
  const access = createAccess(token, host, () => port, {
    hostNames: options.hostNames ?? [],
    anyHostWithBearer: options.anyHostWithBearer === true,
    scheme,
  });
  const routeIo = {
    readBody: (req: http.IncomingMessage) => readBody(req, limits),
    sendJson: (res: http.ServerResponse, status: number, body: unknown) => sendJson(res, status, body),
    sendError: (res: http.ServerResponse, error: ErrorShape) => sendError(res, error),
  };

  async function handleCall(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, { code: 'bad_request', message: 'API calls are POST requests.' }, 405, { allow: 'POST' });
      return;
    }
    const request = await readJsonBody(req, limits);
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const result = await options.router.call(method, request, { transport: 'http', signal: controller.signal, client: clientOf(req) });
    if (result.ok) sendJson(res, 200, result);
    else sendError(res, result.error);
  }

  async function handleStatic(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (!staticDir || !existsSync(path.join(staticDir, 'index.html'))) {
      throw new GlimmerError('not_found', 'The renderer is not built. Run `npm run build` (npm start and npm test build it for you).');
    }
    const rel = decodePath(url.pathname);
    const candidate = path.resolve(staticDir, `.${rel}`);
    const inside = candidate.startsWith(staticDir + path.sep) && !rel.includes('\0');
    const headers = (file: string): Record<string, string> => ({
      'content-type': rendererContentType(file),
      'content-security-policy': contentSecurityPolicy(),
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    });
    if (inside) {
      try {
        await sendFile(req, res, candidate, headers(candidate));
        return;
      } catch (err) {
        if (!(err instanceof GlimmerError && err.code === 'not_found') || res.headersSent) throw err;
      }
    }
    // the single-page app: any other path is the page itself
    const index = path.join(staticDir, 'index.html');
    await sendFile(req, res, index, headers(index));
  }

  async function handleMedia(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, { code: 'bad_request', message: 'Media is read with GET.' }, 405, { allow: 'GET, HEAD' });
      return;
    }
    const { root, path: rel } = parseMediaUrl(url.pathname);
    const file = resolveMediaPath(options.mediaRoots, root, rel);
    await sendFile(req, res, file, { 'content-type': mediaContentType(file), 'cache-control': 'private, max-age=31536000, immutable' });
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = parseTarget(req.url);
    const originProblem = access.checkOrigin(req);
    if (originProblem) {
      sendError(res, originProblem);
      return;
    }
    if (url.pathname === '/' && url.searchParams.has('token') && (req.method === 'GET' || req.method === 'HEAD')) {
      const login = access.tokenLogin(url);
      if (!login) throw new GlimmerError('unauthorized', 'That access token is not this server\'s. Open the URL that `glimmer serve` printed.');
      res.writeHead(302, { location: login.location, 'set-cookie': login.setCookie, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      res.end();
      return;
    }
    if (!access.authorised(req)) {
      throw new GlimmerError('unauthorized', 'Open the URL that `glimmer serve` printed: it carries the access token.');
    }
    for (const hook of options.routes ?? []) {
      if (await hook(req, res, url, routeIo)) return;
    }
    if (url.pathname.startsWith(API_PREFIX)) {
      await handleCall(req, res, decodePath(url.pathname.slice(API_PREFIX.length)));
      return;
    }
    if (url.pathname.startsWith('/media/')) {
      await handleMedia(req, res, url);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, { code: 'bad_request', message: 'Only GET is served here.' }, 405, { allow: 'GET, HEAD' });
      return;
    }
    await handleStatic(req, res, url);
  }

  /** The error boundary of every request: an answer, or a closed connection; never a crash. */
  function answerFailure(req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const shape = toErrorShape(err, (line) => log(`[serve] ${req.method} ${String(req.url).slice(0, 200)}: ${line}`));
    const status = err instanceof BodyError && err.status !== undefined ? err.status : httpStatus(shape.code);
    // a body we did not read (cut at the limit, or refused unread) ends with the connection
    const unread = !req.complete;
    sendError(res, shape, status, unread ? { connection: 'close' } : {});
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    route(req, res).catch((err: unknown) => {
      try {
        answerFailure(req, res, err);
      } catch {
        res.destroy();
      }
    });
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();

  function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    let url: URL | null = null;
    try {
      url = parseTarget(req.url);
    } catch {
      url = null;
    }
    const problem: ErrorShape | null =
      url === null
        ? { code: 'bad_request', message: 'Bad request target.' }
        : (access.checkOrigin(req) ?? (access.authorised(req) ? null : { code: 'unauthorized', message: 'Missing token.' }));
    if (problem || url?.pathname !== '/api/events') {
      const line = { unauthorized: '401 Unauthorized', bad_request: '400 Bad Request' }[problem?.code as string] ?? (problem ? '403 Forbidden' : '404 Not Found');
      socket.end(`HTTP/1.1 ${line}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const unsubscribe = options.events.subscribe((message) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        unsubscribe();
        sockets.delete(ws);
      });
      ws.on('message', () => {
        // the event socket is one-way; calls go over HTTP
      });
    });
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // the HTTP server's own error listener is gone once a request upgrades: without ours, a reset
    // connection would be an uncaught error
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (err) {
      toErrorShape(err, (line) => log(`[serve] upgrade ${String(req.url).slice(0, 200)}: ${line}`));
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log(`[serve] server error: ${String(err)}`));
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
