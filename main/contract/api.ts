/** The envelope every transport (Electron IPC, serve's HTTP + WebSocket) carries. */
import type { ErrorShape } from './errors';
import type { EventMessage } from './events';
import type { Method, RequestOf, ResponseOf } from './methods';

/** What every call resolves to on every transport: never a thrown error across the boundary. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };

/** The surface the renderer sees (window.glimmer in Electron; the HTTP client in `serve`). */
export interface GlimmerApi {
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<CallResult<ResponseOf<M>>>;
  subscribe(listener: (message: EventMessage) => void): () => void;
}
