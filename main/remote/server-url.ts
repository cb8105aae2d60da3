/**
 * Where a server's endpoints are: its URL as a base (a path prefix kept, for a server behind a
 * proxy), without a trailing /v1 (users paste the OpenAI SDK's base_url), and the label messages
 * name it by.
 */
import type { ServerConfig } from './types';

export function serverBase(url: string): URL {
  const u = new URL(url);
  let p = u.pathname.replace(/\/+$/, '');
  if (/\/v1$/i.test(p)) p = p.slice(0, -3);
  u.pathname = `${p}/`;
  u.search = '';
  u.hash = '';
  return u;
}

/** base + a relative path ('v1/images/generations', 'api/call/jobs.submit'). */
export function endpoint(base: URL, path: string): URL {
  return new URL(path.replace(/^\/+/, ''), base);
}

export function serverLabel(config: Pick<ServerConfig, 'name'>): string {
  return `The server "${config.name}"`;
}

export function authHeaders(config: Pick<ServerConfig, 'key'>): Record<string, string> {
  return config.key ? { authorization: `Bearer ${config.key}` } : {};
}
