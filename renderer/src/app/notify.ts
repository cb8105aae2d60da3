/**
 * Short messages at the bottom of the window, each with its own display time, optionally with an
 * action (Undo, Show). The one place every screen reports what it did.
 */
import { Observable } from './store';

export interface Notice {
  /** A fresh number per message (a new one replaces the old and gets its own time). */
  n: number;
  message: string;
  /** A button beside the message: Undo (for every bulk action), Show, ... */
  action?: { label: string; run(): void | Promise<void>; testId?: string };
  severity?: 'info' | 'error';
}

export const notice = new Observable<Notice | null>(null);
let counter = 0;

export function notify(message: string, options: Omit<Notice, 'n' | 'message'> = {}): void {
  counter += 1;
  notice.set({ n: counter, message, ...options });
}

export function dismissNotice(): void {
  notice.set(null);
}
