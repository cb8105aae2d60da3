/** The main-process dialogs behind IpcPolicy: confirm a path the page sent, or choose another. */
import { type BrowserWindow, dialog } from 'electron';
import type { PathDialogs, PathPurpose } from './ipc-policy';

const WHAT: Record<PathPurpose, { noun: string; verb: string; folder: boolean }> = {
  'import-file': { noun: 'image', verb: 'import this image', folder: false },
  'export-folder': { noun: 'folder', verb: 'export into this folder', folder: true },
  'model-folder': { noun: 'model folder', verb: 'use this model folder', folder: true },
};

export function electronPathDialogs(window: () => BrowserWindow | null): PathDialogs {
  return {
    async confirm(purpose, requested) {
      const what = WHAT[purpose];
      const parent = window();
      const options = {
        type: 'question' as const,
        buttons: [`Use this ${what.noun}`, 'Choose another…', 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        message: `Glimmer Studio will ${what.verb}:`,
        detail: requested,
      };
      const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
      if (response === 0) return requested;
      if (response !== 1) return null;
      const pickOptions = {
        defaultPath: requested,
        properties: what.folder ? (['openDirectory', 'createDirectory'] as const) : (['openFile'] as const),
      };
      const picked = parent
        ? await dialog.showOpenDialog(parent, { ...pickOptions, properties: [...pickOptions.properties] })
        : await dialog.showOpenDialog({ ...pickOptions, properties: [...pickOptions.properties] });
      return picked.canceled || picked.filePaths.length === 0 ? null : picked.filePaths[0]!;
    },
  };
}
