/**
 * The event socket of another Glimmer server (/api/events), as a client: opened with the key as a
 * Bearer header, each message parsed, and closed when the job ends. A socket that cannot open or
 * drops is not fatal: the job follows the server by polling as well.
 */
import WebSocket from 'ws';
import { RemoteError, networkFailure } from './errors';

export interface EventMessageLike {
  event: string;
  payload: unknown;
}

export class EventStream {
  private ws: WebSocket | null = null;

  constructor(
    private readonly url: URL,
    private readonly headers: Record<string, string>,
    private readonly ca: string | undefined,
    private readonly onMessage: (m: EventMessageLike) => void,
    private readonly label: string,
  ) {}

  /** Resolves once open; rejects with a RemoteError when it cannot open in `timeoutMs`. */
  open(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, {
        headers: this.headers,
        handshakeTimeout: timeoutMs,
        maxPayload: 4 * 1024 * 1024,
        ...(this.ca ? { ca: this.ca } : {}),
      });
      this.ws = ws;
      const onAbort = () => {
        ws.terminate();
        reject(RemoteError.cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('open', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      ws.once('unexpected-response', (_req, res) => {
        signal?.removeEventListener('abort', onAbort);
        ws.terminate();
        reject(new RemoteError('status', `${this.label} refused its event socket (HTTP ${res.statusCode}).`, { status: res.statusCode ?? 0 }));
      });
      ws.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(networkFailure(err, this.label, this.url));
      });
      ws.on('message', (data) => {
        try {
          const m = JSON.parse(data.toString()) as EventMessageLike;
          if (m && typeof m.event === 'string') this.onMessage(m);
        } catch {
          // not ours: ignored
        }
      });
    });
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws?.terminate();
    this.ws = null;
  }
}
