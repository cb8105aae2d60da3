/**
 * What the app:// and glimmer-media:// protocols answer, as plain functions of a Request (no
 * Electron here, so they are tested in Node): protocols.ts hands them to protocol.handle.
 *   app://studio/<path>            the built renderer, with the CSP and the other security headers
 *                                  set here (header hooks do not fire for custom protocols)
 *   glimmer-media://<root>/<path>  files under the app's own data folders only (resolveMediaPath)
 * Each runs inside one error boundary: whatever the request, a Response comes back (4xx/5xx), never
 * a rejection in the main process.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import { GlimmerError, toErrorShape } from '../contract';
import { contentSecurityPolicy } from '../api/csp';
import { openRegularFile, rendererContentType } from '../api/files';
import { type MediaRoots, mediaContentType, resolveMediaPath } from '../api/media';
import { httpStatus } from '../api/transport/status';

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Security headers of every page and asset the app protocol serves. */
export function appSecurityHeaders(): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** A regular file as a streamed Response (files.ts opens it and checks it is one). */
async function fileResponse(file: string, headers: Record<string, string>): Promise<Response> {
  const { handle, size } = await openRegularFile(file);
  const stream = Readable.toWeb(handle.createReadStream({ autoClose: true })) as ReadableStream<Uint8Array>;
  return new Response(stream, { status: 200, headers: { ...headers, 'content-length': String(size) } });
}

function errorResponse(err: unknown, log: (line: string) => void, headers: Record<string, string> = {}): Response {
  const shape = toErrorShape(err, log);
  return new Response(shape.message, { status: httpStatus(shape.code), headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

/** app://studio/...: a file of the built renderer, or index.html for any other path (the SPA). */
export async function appProtocolResponse(request: { url: string; method?: string }, rendererDir: string, log: (line: string) => void): Promise<Response> {
  const headers = appSecurityHeaders();
  try {
    if (request.method && request.method !== 'GET' && request.method !== 'HEAD') throw new GlimmerError('bad_request', 'Only GET is served here.');
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) throw new GlimmerError('not_found', 'Not a page of the studio.');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      throw new GlimmerError('bad_request', 'Bad percent-encoding in the path.');
    }
    const root = path.resolve(rendererDir);
    const candidate = path.resolve(root, `.${rel}`);
    if (candidate.startsWith(root + path.sep) && !rel.includes('\0')) {
      try {
        return await fileResponse(candidate, { ...headers, 'content-type': rendererContentType(candidate) });
      } catch (err) {
        if (!(err instanceof GlimmerError && err.code === 'not_found')) throw err;
      }
    }
    const index = path.join(root, 'index.html');
    return await fileResponse(index, { ...headers, 'content-type': rendererContentType(index), 'cache-control': 'no-store' });
  } catch (err) {
    return errorResponse(err, log, headers);
  }
}

/** glimmer-media://<root>/<path>: a file under one of the media roots, readable by the studio page. */
export async function mediaProtocolResponse(request: { url: string; method?: string }, roots: MediaRoots, log: (line: string) => void): Promise<Response> {
  // the studio page reads media pixels (canvas crop, copy image): exactly that origin
  const cors = { 'access-control-allow-origin': APP_ORIGIN, 'x-content-type-options': 'nosniff' };
  try {
    if (request.method && request.method !== 'GET' && request.method !== 'HEAD') throw new GlimmerError('bad_request', 'Media is read with GET.');
    const url = new URL(request.url);
    const file = resolveMediaPath(roots, url.host, url.pathname.replace(/^\//, ''));
    return await fileResponse(file, { ...cors, 'content-type': mediaContentType(file), 'cache-control': 'private, max-age=31536000, immutable' });
  } catch (err) {
    return errorResponse(err, log, cors);
  }
}
