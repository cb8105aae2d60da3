/**
 * IPC transport: one handle channel for calls (the router validates every request), events pushed
 * with webContents.send. A call is served only from our own window showing our own page, and only
 * as IpcPolicy allows (paths from main-process dialogs or listings, no hub address from the page).
 */
import { type BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC, toErrorShape, type CallResult, type EventBus } from '../contract';
import type { Router } from '../api/router';
import type { IpcPolicy } from './ipc-policy';
import { isAppUrl } from './navigation';

function trustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  if (!window || event.sender !== window.webContents) return false;
  const frameUrl = event.senderFrame?.url ?? '';
  return isAppUrl(frameUrl) && event.senderFrame === window.webContents.mainFrame;
}

export function registerIpc(router: Router, events: EventBus, currentWindow: () => BrowserWindow | null, policy: IpcPolicy, log: (line: string) => void): void {
  ipcMain.handle(IPC.call, async (event, method: unknown, request: unknown): Promise<CallResult<unknown>> => {
    if (!trustedSender(event, currentWindow())) {
      return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted from the studio window only.' } };
    }
    let allowed: unknown;
    try {
      allowed = await policy.check(method, request);
    } catch (err) {
      return { ok: false, error: toErrorShape(err, log) };
    }
    const result = await router.call(method, allowed, { transport: 'ipc' });
    if (result.ok) policy.record(method, result.value);
    return result;
  });
  events.subscribe((message) => {
    const window = currentWindow();
    if (window && !window.isDestroyed()) window.webContents.send(IPC.event, message);
  });
}
