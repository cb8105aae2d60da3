/**
 * Electron start-up, kept thin: single-instance lock, security settings, the app:// and
 * glimmer-media:// protocols, the IPC transport and one window. All work lives in plain-Node services
 * (main/context.ts); this file and its neighbours are the only ones that import 'electron'.
 */
import { app, BrowserWindow, protocol } from 'electron';
import path from 'node:path';
import { MEDIA_SCHEME } from '../api/media';
import { resolveLanguage } from '../contract';
import { APP_ID, resolvePaths } from '../studio/paths';
import { createApp } from '../api/app';
import { electronPathDialogs } from './dialogs';
import { registerIpc } from './ipc';
import { IpcPolicy } from './ipc-policy';
import { installAppMenu } from './menu';
import { APP_SCHEME, registerProtocols } from './protocols';
import { hardenSessions, hardenWebContents } from './security';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAppUserModelId(APP_ID);
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.whenReady().then(() => {
    const paths = resolvePaths();
    const glimmer = createApp({ mode: 'electron', paths });
    hardenSessions();
    registerProtocols({ rendererDir: path.join(__dirname, '..', 'renderer'), mediaRoots: glimmer.ctx.mediaRoots, log: glimmer.ctx.log });
    const policy = new IpcPolicy(electronPathDialogs(() => mainWindow));
    registerIpc(glimmer.router, glimmer.ctx.events, () => mainWindow, policy, glimmer.ctx.log);
    installAppMenu(() => mainWindow, glimmer.ctx.events, resolveLanguage(glimmer.ctx.engine.settings.get().language, [app.getLocale()]));

    mainWindow = new BrowserWindow({
      width: 1400,
      height: 900,
      minWidth: 900,
      minHeight: 600,
      title: 'Glimmer Studio',
      show: false,
      webPreferences: {
        preload: path.join(__dirname, '..', 'preload', 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        spellcheck: true,
      },
    });
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    void mainWindow.loadURL(`${APP_SCHEME}://studio/index.html`);

    app.on('window-all-closed', () => {
      void glimmer.dispose().finally(() => app.quit());
    });
  });
}
