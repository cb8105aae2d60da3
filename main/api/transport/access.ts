/**
 * Who may use `serve`: the Host header must be ours (no DNS rebinding), an Origin, when a browser
 * sends one, must be ours (no cross-site calls), and every request carries the access token: as a
 * Bearer header or as the cookie set when the page is opened with `?token=`. The query parameter is
 * accepted on `GET /` only, which sets the cookie and redirects to the same page without it (so the
 * token leaves the address bar, the history and any Referer). The cookie's name carries the port,
 * since cookies are not port-scoped: two servers on one host never read each other's.
 */
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { ErrorShape } from '../../contract';

export function cookieName(port: number): string {
  return `glimmer_token_${port}`;
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function bearer(req: http.IncomingMessage): string | null {
  const h = req.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : null;
}

export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export interface Access {
  /** The request carries the token (header or cookie; never the query). */
  authorised(req: http.IncomingMessage): boolean;
  /** A problem with Host or Origin, or null when both are ours. */
  checkOrigin(req: http.IncomingMessage): ErrorShape | null;
  /** For `GET /?token=...`: the Set-Cookie and Location of the redirect, or null when the token is wrong. */
  tokenLogin(url: URL): { setCookie: string; location: string } | null;
}

export interface AccessOptions {
  /** More Host names (no port) this server answers to: its addresses when it listens beyond loopback. */
  hostNames: string[];
  /**
   * Listening beyond loopback: a client with the token as a Bearer header may name this server
   * however its network does. The Host check keeps DNS-rebound pages out, and no page can be made
   * to send a Bearer header; a loopback server keeps refusing other Hosts even with the token.
   */
  anyHostWithBearer: boolean;
  /** 'https:' when serving TLS: browser Origins must then be https too, and the cookie is Secure. */
  scheme: 'http:' | 'https:';
}

export function createAccess(
  token: string,
  host: string,
  port: () => number,
  options: AccessOptions = { hostNames: [], anyHostWithBearer: false, scheme: 'http:' },
): Access {
  const allowedHosts = (): Set<string> => {
    const names = ['127.0.0.1', 'localhost', '[::1]', formatHost(host), ...options.hostNames.map((n) => formatHost(n.toLowerCase()))];
    return new Set(names.map((n) => `${n}:${port()}`));
  };
  const bearerAuthorised = (req: http.IncomingMessage): boolean => {
    const given = bearer(req);
    return given !== null && sameToken(given, token);
  };
  return {
    authorised(req) {
      const candidate = bearer(req) ?? cookieValue(req.headers.cookie, cookieName(port()));
      return candidate !== null && sameToken(candidate, token);
    },
    checkOrigin(req) {
      const hostHeader = (req.headers.host ?? '').toLowerCase();
      if (!allowedHosts().has(hostHeader) && !(options.anyHostWithBearer && bearerAuthorised(req))) return { code: 'forbidden', message: 'Unknown Host header.' };
      const origin = req.headers.origin;
      if (origin === undefined) return null;
      let originHost = '';
      try {
        const o = new URL(origin);
        originHost = o.protocol === options.scheme ? o.host.toLowerCase() : '';
      } catch {
        originHost = '';
      }
      return allowedHosts().has(originHost) ? null : { code: 'forbidden', message: 'Requests from other sites are refused.' };
    },
    tokenLogin(url) {
      const given = url.searchParams.get('token');
      if (given === null || !sameToken(given, token)) return null;
      const clean = new URL(url.toString());
      clean.searchParams.delete('token');
      return {
        setCookie: `${cookieName(port())}=${token}; HttpOnly; SameSite=Strict; Path=/${options.scheme === 'https:' ? '; Secure' : ''}`,
        location: `${clean.pathname}${clean.search}`,
      };
    },
  };
}
