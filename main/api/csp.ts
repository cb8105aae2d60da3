/** The renderer's Content-Security-Policy, the same in Electron and in `serve`. */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  // MUI (emotion) injects <style> elements at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: glimmer-media:",
  "font-src 'self' data:",
  "connect-src 'self' glimmer-media:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

/** As a response header (app:// protocol, serve). */
export function contentSecurityPolicy(): string {
  return DIRECTIVES.join('; ');
}

/**
 * As the <meta http-equiv> of index.html (the build adds it: vite.config.ts), a second line of
 * defence should a response ever come without the header. frame-ancestors is left out: browsers
 * ignore it in a <meta> and report an error for it.
 */
export function contentSecurityPolicyMeta(): string {
  return DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ');
}
