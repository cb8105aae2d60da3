/**
 * The API over `serve`: calls are POST /api/call/<method>, events arrive on a WebSocket. The access
 * token never reaches this page's script: `serve` takes it from the address it printed (GET /?token=),
 * sets it as an HttpOnly cookie and redirects here without it; the browser sends that cookie with
 * every call and with the WebSocket handshake. Nothing is kept in sessionStorage or localStorage.
 */
import type { CallResult, EventMessage, GlimmerApi, Method, RequestOf, ResponseOf } from '../../../main/contract';

export function createHttpApi(base: string = window.location.origin): GlimmerApi {
  const listeners = new Set<(message: EventMessage) => void>();
  let socket: WebSocket | null = null;
  let retry = 500;

  const connect = () => {
    const wsUrl = `${base.replace(/^http/, 'ws')}/api/events`;
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
          headers: { 'content-type': 'application/json' },
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
