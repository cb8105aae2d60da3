/**
 * The API over `serve`: calls are POST /api/call/<method>, events arrive on a WebSocket. The access
 * token travels as an HttpOnly cookie set when the page was opened with ?token=; the token is also
 * kept for the WebSocket and stripped from the address bar.
 */
import type { CallResult, EventMessage, GlimmerApi, Method, RequestOf, ResponseOf } from '../../../main/contract';

export function createHttpApi(base: string = window.location.origin): GlimmerApi {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('glimmer-token', fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
  }
  const token = fromUrl ?? sessionStorage.getItem('glimmer-token') ?? '';
  const listeners = new Set<(message: EventMessage) => void>();
  let socket: WebSocket | null = null;
  let retry = 500;

  const connect = () => {
    const wsUrl = `${base.replace(/^http/, 'ws')}/api/events?token=${encodeURIComponent(token)}`;
    socket = new WebSocket(wsUrl);
    socket.onopen = () => {
      retry = 500;
    };
    socket.onmessage = (ev) => {
      try {
        const message = JSON.parse(String(ev.data)) as EventMessage;
        for (const l of [...listeners]) l(message);
      } catch {
        // ignore a malformed frame
      }
    };
    socket.onclose = () => {
      socket = null;
      if (listeners.size > 0) setTimeout(connect, (retry = Math.min(retry * 2, 10_000)));
    };
  };

  return {
    async call<M extends Method>(method: M, request: RequestOf<M>): Promise<CallResult<ResponseOf<M>>> {
      try {
        const res = await fetch(`${base}/api/call/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(request ?? {}),
          credentials: 'same-origin',
        });
        return (await res.json()) as CallResult<ResponseOf<M>>;
      } catch (err) {
        return { ok: false, error: { code: 'unavailable', message: `The studio server cannot be reached (${String(err)}). Is \`glimmer serve\` still running?` } };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}
