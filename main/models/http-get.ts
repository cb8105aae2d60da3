/**
 * One GET with an optional byte range, following redirects (the hub sends LFS files to a CDN), on node:http(s).
 * node:http rather than fetch: its response hands over every byte as it arrives ('data' events), so when a
 * connection drops mid-file, every byte received has reached the caller and a resume starts exactly there.
 * The Authorization header is dropped when a redirect leaves the origin (never leak a token to a CDN).
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

export interface RangedGetOptions {
  /** First byte wanted; 0 or absent asks for the whole file. */
  start?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  maxRedirects?: number;
  /** A connection that sends nothing for this long is dropped (default 60 s): a stalled CDN never hangs forever. */
  idleTimeoutMs?: number;
}

export interface RangedGetResult {
  response: IncomingMessage;
  /** The URL that finally answered. */
  url: string;
}

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

function requestOnce(url: URL, headers: Record<string, string>, idleMs: number, signal?: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(
      url,
      {
        method: 'GET',
        headers,
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        ...(signal ? { signal } : {}),
      },
      resolve,
    );
    req.setTimeout(idleMs, () => req.destroy(new Error(`no data for ${Math.round(idleMs / 1000)} s`)));
    req.on('error', reject);
    req.end();
  });
}

export async function rangedGet(rawUrl: string, options: RangedGetOptions = {}): Promise<RangedGetResult> {
  let url = new URL(rawUrl);
  const origin = url.origin;
  const maxRedirects = options.maxRedirects ?? 10;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'glimmer-studio', ...(options.headers ?? {}) };
    if (options.start && options.start > 0) headers.range = `bytes=${options.start}-`;
    if (url.origin !== origin) {
      for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') delete headers[key];
    }
    const response = await requestOnce(url, headers, options.idleTimeoutMs ?? 60_000, options.signal);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if ([301, 302, 303, 307, 308].includes(status) && location) {
      response.resume();
      if (hop >= maxRedirects) throw new Error(`too many redirects (more than ${maxRedirects})`);
      url = new URL(location, url);
      continue;
    }
    return { response, url: url.toString() };
  }
}

/** Reads a (small) error body as text, for messages. */
export async function readBodyText(response: IncomingMessage, limit = 4096): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (n < limit) chunks.push(chunk);
    n += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}
