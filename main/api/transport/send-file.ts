/**
 * Sends one regular file as a response (files.ts opens and checks it), streamed with an error
 * handler: a folder, a device or a file that vanished is not_found; a read error mid-stream ends the
 * connection, never the process.
 */
import type http from 'node:http';
import { openRegularFile } from '../files';

export async function sendFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: string,
  headers: Record<string, string>,
): Promise<void> {
  const { handle, size } = await openRegularFile(file);
  res.writeHead(200, { ...headers, 'content-length': size, 'x-content-type-options': 'nosniff' });
  if (req.method === 'HEAD') {
    res.end();
    await handle.close().catch(() => undefined);
    return;
  }
  const stream = handle.createReadStream({ autoClose: true });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
