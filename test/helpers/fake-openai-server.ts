/**
 * FAKE: an OpenAI-style image server (a GPU server running vLLM-Omni or SGLang-Diffusion cannot run
 * here). A real HTTP server on loopback that answers GET /v1/models and POST /v1/images/generations
 * and /v1/images/edits the way both do (b64_json images of the size asked), records every request it
 * got (headers, JSON or multipart parts, whether the client went away before the answer), and can be
 * told to misbehave for the next requests: an error status, a drop, a stall, a hang, a huge answer,
 * something that is not an image, an image of the wrong size.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { decodeMultipart, type FormPart, multipartBoundary } from '../../main/remote';

export type Behaviour =
  | { kind: 'image'; delayMs?: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'drop' }
  | { kind: 'stall'; afterBytes?: number }
  | { kind: 'hang' }
  | { kind: 'huge'; bytes: number }
  | { kind: 'notImage' }
  | { kind: 'wrongSize' }
  | { kind: 'textBody' };

export interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  json: Record<string, unknown> | null;
  parts: FormPart[] | null;
  /** The client closed the connection before the answer was sent. */
  clientGone: boolean;
  answered: boolean;
  at: number;
}

export interface FakeOpenAiServer {
  url: string;
  port: number;
  requests: Recorded[];
  /** Image requests only (generations and edits). */
  imageRequests(): Recorded[];
  /** Behaviours for the next image requests, in order; then plain images. */
  next(...b: Behaviour[]): void;
  /** Resolves when `n` image requests have arrived. */
  waitForImageRequests(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Requests must carry `Authorization: Bearer <key>`. */
  key?: string;
  /** What GET /v1/models says owns the model ('vllm' or 'sglang'). */
  ownedBy?: string;
  model?: string;
  tls?: { cert: string; key: string };
  /** Answer the colour of each image (default a mid grey). */
  colour?: { r: number; g: number; b: number };
}

async function png(width: number, height: number, colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFakeOpenAiServer(options: FakeOptions = {}): Promise<FakeOpenAiServer> {
  const requests: Recorded[] = [];
  const queue: Behaviour[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const sockets = new Set<Socket>();
  const colour = options.colour ?? { r: 120, g: 130, b: 140 };
  const imageRequests = () => requests.filter((r) => r.path.startsWith('/v1/images/'));

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    const rec: Recorded = { method: req.method ?? '', path: url.pathname, headers: req.headers, json: null, parts: null, clientGone: false, answered: false, at: Date.now() };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.clientGone = true;
    });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      rec.answered = true;
      res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json', ...headers });
      res.end(text);
    };
    if (options.key !== undefined && req.headers.authorization !== `Bearer ${options.key}`) {
      send(401, { error: { message: 'Invalid API key', type: 'invalid_request_error', code: 401 } });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      send(200, { object: 'list', data: [{ id: options.model ?? 'zai-org/GLM-Image', object: 'model', owned_by: options.ownedBy ?? 'vllm', root: options.model ?? 'zai-org/GLM-Image' }] });
      return;
    }
    const isGen = req.method === 'POST' && url.pathname === '/v1/images/generations';
    const isEdit = req.method === 'POST' && url.pathname === '/v1/images/edits';
    if (!isGen && !isEdit) {
      send(404, { detail: 'Not Found' });
      return;
    }
    let size = '1024x1024';
    if (isGen) {
      rec.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      size = String(rec.json.size ?? size);
    } else {
      const boundary = multipartBoundary(req.headers['content-type']);
      if (!boundary) {
        send(422, { detail: 'multipart expected' });
        return;
      }
      rec.parts = decodeMultipart(body, boundary);
      size = rec.parts.find((p) => p.name === 'size')?.data.toString() ?? size;
    }
    for (const w of [...waiters]) {
      if (imageRequests().length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    const [w, h] = size.split('x').map(Number) as [number, number];
    const b = queue.shift() ?? { kind: 'image' };
    switch (b.kind) {
      case 'image': {
        if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
        if (rec.clientGone) return;
        send(200, { created: 1, data: [{ b64_json: (await png(w, h, colour)).toString('base64'), revised_prompt: null }] });
        return;
      }
      case 'status':
        send(b.status, b.body ?? { detail: `fake status ${b.status}` }, b.headers ?? {});
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'stall': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(Buffer.alloc(b.afterBytes ?? 64, 0x20));
        return; // never ends
      }
      case 'hang':
        return; // never answers
      case 'huge': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        let sent = 0;
        const pump = () => {
          while (sent < b.bytes && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end();
        };
        pump();
        return;
      }
      case 'notImage':
        send(200, { created: 1, data: [{ b64_json: Buffer.from('<html>this is an error page</html>').toString('base64') }] });
        return;
      case 'wrongSize':
        send(200, { created: 1, data: [{ b64_json: (await png(Math.max(32, w / 2), h, colour)).toString('base64') }] });
        return;
      case 'textBody':
        send(200, 'Internal proxy page');
        return;
    }
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res).catch(() => res.destroy());
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    imageRequests,
    next: (...b) => queue.push(...b),
    waitForImageRequests: (n, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (imageRequests().length >= n) {
          resolve();
          return;
        }
        const t = setTimeout(() => reject(new Error(`the fake server got ${imageRequests().length} image requests, not ${n}`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on loopback where nothing listens (taken, then given back). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
