/**
 * Where the studio's window may go (plain functions, no Electron: security.ts applies them). The
 * window shows app://studio only: every navigation, redirect or frame navigation elsewhere is
 * stopped. Links to the web open in the user's browser only for an allow-list (the model's page): a
 * compromised page cannot make the app open arbitrary URLs (file:, custom schemes, lookalike hosts).
 */
import { APP_ORIGIN } from './protocol-handlers';

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * https pages the app may open in the user's browser: an exact origin and a path prefix each. The
 * model's page (its card, files and discussions); the project publishes no documentation site yet:
 * add it here when it does.
 */
export const EXTERNAL_ALLOW_LIST: ReadonlyArray<{ origin: string; pathPrefix: string }> = [{ origin: 'https://huggingface.co', pathPrefix: '/zai-org/GLM-Image' }];

export function isAllowedExternal(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.port !== '') return false;
  return EXTERNAL_ALLOW_LIST.some((a) => u.origin === a.origin && (u.pathname === a.pathPrefix || u.pathname.startsWith(`${a.pathPrefix}/`)));
}
