/**
 * app://studio/ serves the built renderer; glimmer-media://<root>/<path> serves files under the app's
 * own data folders only (resolveMediaPath refuses traversal, absolute paths and escaping links).
 */
import { net, protocol } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { toErrorShape } from '../contract';
import { MEDIA_SCHEME, type MediaRoots, resolveMediaPath } from '../api/media';

export const APP_SCHEME = 'app';

export function registerProtocols(options: { rendererDir: string; mediaRoots: MediaRoots }): void {
  const rendererDir = path.resolve(options.rendererDir);
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    if (url.host !== 'studio') return new Response('not found', { status: 404 });
    const rel = decodeURIComponent(url.pathname);
    const candidate = path.resolve(rendererDir, `.${rel}`);
    const file = candidate.startsWith(rendererDir + path.sep) && existsSync(candidate) ? candidate : path.join(rendererDir, 'index.html');
    return net.fetch(pathToFileURL(file).toString());
  });
  protocol.handle(MEDIA_SCHEME, async (request) => {
    try {
      const url = new URL(request.url);
      const file = resolveMediaPath(options.mediaRoots, url.host, url.pathname.replace(/^\//, ''));
      const response = await net.fetch(pathToFileURL(file).toString());
      // The studio page (app://studio) reads media pixels (canvas crop, copy image): allow exactly that origin.
      const headers = new Headers(response.headers);
      headers.set('Access-Control-Allow-Origin', `${APP_SCHEME}://studio`);
      headers.set('Cache-Control', 'private, max-age=31536000, immutable');
      return new Response(response.body, { status: response.status, headers });
    } catch (err) {
      const shape = toErrorShape(err);
      return new Response(shape.message, { status: shape.code === 'forbidden' ? 403 : 404 });
    }
  });
}
