/**
 * Files the transports serve (the built renderer, media): opened first and checked to be a regular
 * file by their handle, not by their name (so a folder, a device or a file swapped in between is
 * never streamed), and the content types of the renderer's files. Used by serve (send-file.ts) and
 * by Electron's protocols (main/app/protocol-handlers.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GlimmerError } from '../contract';

const RENDERER_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webp': 'image/webp',
};

export function rendererContentType(file: string): string {
  return RENDERER_TYPES[path.extname(file)] ?? 'application/octet-stream';
}

/** An open regular file and its size; not_found for anything else. The caller closes the handle. */
export async function openRegularFile(file: string): Promise<{ handle: fs.FileHandle; size: number }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    throw new GlimmerError('not_found', 'That file does not exist.');
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new GlimmerError('not_found', 'That is not a file.');
    return { handle, size: stat.size };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}
