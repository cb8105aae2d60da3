/**
 * Raw HTTP over a TCP socket, for requests no well-behaved client would send (bad targets, broken
 * encodings, contradictory headers): writes the bytes as given and returns what came back before the
 * server closed the connection or `waitMs` passed (a complete response ends the wait unless it says
 * `Connection: close`, then the close does).
 */
import net from 'node:net';

export interface RawReply {
  /** The status code of the first response line, or null when nothing parseable came back. */
  status: number | null;
  text: string;
  /** The server closed the connection (answered or not). */
  closed: boolean;
}

export function rawRequest(port: number, bytes: string | Buffer, waitMs = 5000): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, closed });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // one complete response is enough (Connection: keep-alive would otherwise hold until waitMs)
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head >= 0) {
        const headers = text.slice(0, head);
        const len = /\r\ncontent-length: (\d+)/i.exec(headers);
        // a response that announces the end of its connection: wait for that end too
        if (len && text.length - head - 4 >= Number(len[1]) && !/\r\nconnection: close/i.test(headers)) finish();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.write(bytes);
  });
}
