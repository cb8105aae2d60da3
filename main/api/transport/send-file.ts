/**
 * Sends one regular file as a response: opened first, checked to be a file by its handle (not by
 * its name, so it cannot change in between), then streamed with an error handler. A folder, a
 * device or a file that vanished is not_found; a read error mid-stream ends the connection, never
 * the process.
 */
import { promises as fs } from 'node:fs';
import type http from 'node:http';
import { GlimmerError } from '../../contract';

export async function sendFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: string,
  headers: Record<string, string>,
): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    throw new GlimmerError('not_found', 'That file does not exist.');
  }
  let streaming = false;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new GlimmerError('not_found', 'That is not a file.');
    res.writeHead(200, { ...headers, 'content-length': stat.size, 'x-content-type-options': 'nosniff' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = handle.createReadStream({ autoClose: true });
    streaming = true;
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  } finally {
    if (!streaming) await handle.close().catch(() => undefined);
  }
}
