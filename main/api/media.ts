/**
 * Media URLs (`glimmer-media://<root>/<path>` in Electron, `/media/<root>/<path>` in `serve`) map to
 * files under the app's own folders only. Anything that could leave its root — `..`, absolute paths,
 * backslashes, NUL, encoded separators, symbolic links pointing outside — is refused.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../contract';
import type { MediaRoots } from '../studio/context';

export const MEDIA_SCHEME = 'glimmer-media';

export type { MediaRoots };

const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

export function resolveMediaPath(roots: MediaRoots, rootName: string, encodedPath: string): string {
  const root = Object.prototype.hasOwnProperty.call(roots, rootName) ? roots[rootName] : undefined;
  if (!root) throw new GlimmerError('not_found', `No media folder named ${JSON.stringify(rootName).slice(0, 40)}.`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedPath);
  } catch {
    throw new GlimmerError('bad_request', 'The media path is not valid URL encoding.');
  }
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (decoded.startsWith('/') || segments.length === 0 || segments.some((s) => s === '.' || s === '..' || !SAFE_SEGMENT.test(s))) {
    throw new GlimmerError('forbidden', 'That media path is outside the app\'s folders.');
  }
  const rootResolved = path.resolve(root);
  const candidate = path.resolve(rootResolved, ...segments);
  if (!isInside(rootResolved, candidate)) throw new GlimmerError('forbidden', 'That media path is outside the app\'s folders.');
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new GlimmerError('not_found', 'That media file does not exist.');
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(rootResolved);
  } catch {
    throw new GlimmerError('not_found', 'That media folder does not exist yet.');
  }
  if (!isInside(realRoot, real)) throw new GlimmerError('forbidden', 'That media path is outside the app\'s folders.');
  return real;
}

/** Split `glimmer-media://root/a/b.png` or `/media/root/a/b.png` into root name + path. */
export function parseMediaUrl(url: string): { root: string; path: string } {
  let rest: string;
  if (url.startsWith(`${MEDIA_SCHEME}://`)) rest = url.slice(MEDIA_SCHEME.length + 3);
  else if (url.startsWith('/media/')) rest = url.slice('/media/'.length);
  else throw new GlimmerError('bad_request', 'Not a media URL.');
  rest = rest.split(/[?#]/)[0];
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new GlimmerError('bad_request', 'A media URL names a folder and a file.');
  return { root: rest.slice(0, slash), path: rest.slice(slash + 1) };
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel);
}

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.json': 'application/json',
};

export function mediaContentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
