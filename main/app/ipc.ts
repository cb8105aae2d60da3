/**
 * IPC transport: one handle channel for calls (the router validates every request), events pushed
 * with webContents.send. A call is served only from our own window showing our own page.
 */
import { type BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC, type EventBus } from '../contract';
import type { Router } from '../api/router';
import { isAppUrl } from './security';

function trustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  if (!window || event.sender !== window.webContents) return false;
  const frameUrl = event.senderFrame?.url ?? '';
  return isAppUrl(frameUrl) && event.senderFrame === window.webContents.mainFrame;
}

export function registerIpc(router: Router, events: EventBus, currentWindow: () => BrowserWindow | null): void {
  ipcMain.handle(IPC.call, async (event, method: unknown, request: unknown) => {
    if (!trustedSender(event, currentWindow())) {
      return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted from the studio window only.' } };
    }
    return router.call(method, request, { transport: 'ipc' });
  });
  events.subscribe((message) => {
    const window = currentWindow();
    if (window && !window.isDestroyed()) window.webContents.send(IPC.event, message);
  });
}
