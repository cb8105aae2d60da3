/**
 * The preload bridge: exposes exactly the API contract (call + subscribe) to the sandboxed renderer
 * as window.glimmer. Nothing else of Electron or Node crosses.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CallResult, EventMessage, GlimmerApi } from '../main/contract';
import { IPC } from '../main/contract/ipc';

const api: GlimmerApi = {
  call: (method, request) => ipcRenderer.invoke(IPC.call, method, request) as Promise<CallResult<never>>,
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, message: EventMessage) => listener(message);
    ipcRenderer.on(IPC.event, handler);
    return () => {
      ipcRenderer.removeListener(IPC.event, handler);
    };
  },
};

contextBridge.exposeInMainWorld('glimmer', api);
