/**
 * The names a server listening beyond loopback answers to in the Host header (browsers on other
 * machines holding the cookie): every address of this machine's network interfaces and its host
 * name, for a wildcard address (0.0.0.0, ::), or the one address it listens on.
 */
import os from 'node:os';

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

export function hostNamesFor(host: string): string[] {
  if (isLoopback(host)) return [];
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const names = new Set<string>([os.hostname().toLowerCase()]);
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) names.add(a.address.toLowerCase().replace(/%.*$/, ''));
  }
  return [...names];
}
