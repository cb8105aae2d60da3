/**
 * The app menu: File → Open… (Ctrl/Cmd+O) picks an image and hands it to the window as if it had
 * been dropped there (the 'app.openFile' event): use its settings, open it on the canvas or add it to
 * the library. The other menus are Electron's standard roles.
 */
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LIMITS, type EventBus, type UiLanguage } from '../contract';

/** The menu's few words, in the studio's language (chosen when the menu is built). */
const WORDS: Record<UiLanguage, { file: string; open: string; title: string; images: string; tooLarge: (name: string, mb: number) => string }> = {
  en: { file: 'File', open: 'Open…', title: 'Open an image', images: 'Images', tooLarge: (name, mb) => `${name} is too large to open (${mb} MB).` },
  'zh-CN': { file: '文件', open: '打开…', title: '打开图片', images: '图片', tooLarge: (name, mb) => `${name} 太大，无法打开（${mb} MB）。` },
};

/** Largest file Open… hands over (base64 must fit one event). */
const MAX_OPEN_BYTES = Math.floor((LIMITS.maxRequestBytes * 3) / 4) - 1024;

async function openImage(window: BrowserWindow, events: EventBus, words: (typeof WORDS)[UiLanguage]): Promise<void> {
  const picked = await dialog.showOpenDialog(window, {
    title: words.title,
    properties: ['openFile'],
    filters: [{ name: words.images, extensions: ['png', 'jpg', 'jpeg', 'webp'] }],
  });
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return;
  const size = (await stat(file)).size;
  if (size > MAX_OPEN_BYTES) {
    await dialog.showMessageBox(window, { type: 'warning', message: words.tooLarge(path.basename(file), Math.round(size / 1e6)) });
    return;
  }
  events.emit('app.openFile', { name: path.basename(file), dataBase64: (await readFile(file)).toString('base64') });
}

export function installAppMenu(currentWindow: () => BrowserWindow | null, events: EventBus, language: UiLanguage): void {
  const isMac = process.platform === 'darwin';
  const words = WORDS[language];
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ label: app.name, submenu: [{ role: 'about' as const }, { type: 'separator' as const }, { role: 'quit' as const }] }] : []),
    {
      label: words.file,
      submenu: [
        {
          label: words.open,
          accelerator: 'CmdOrCtrl+O',
          click: () => {
            const window = currentWindow();
            if (window) void openImage(window, events, words).catch((err: unknown) => dialog.showErrorBox(words.open, String(err)));
          },
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
