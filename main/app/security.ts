/**
 * Electron security settings: no navigation, redirect, frame navigation or window to anything but
 * app://studio; links to the web open in the browser only for an allow-list (navigation.ts); no
 * webviews; no permissions but writing to the clipboard. The CSP comes with every response of the
 * app:// protocol itself (protocol-handlers.ts) and as a <meta> in index.html: session header hooks
 * do not fire for custom protocols.
 */
import { session, shell, type WebContents } from 'electron';
import { isAllowedExternal, isAppUrl } from './navigation';

export { isAppUrl };

export function hardenSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  ses.setPermissionCheckHandler(() => false);
}

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // never a new window of the app; only allow-listed pages, in the user's browser
    if (isAllowedExternal(url)) void shell.openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}
