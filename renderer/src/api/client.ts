/**
 * Picks the transport once at start: Electron's preload bridge (window.glimmer) when present,
 * otherwise HTTP + WebSocket against `serve`. The rest of the renderer only sees GlimmerApi.
 */
import type { GlimmerApi, Method, RequestOf, ResponseOf, ErrorShape } from '../../../main/contract';
import { createHttpApi } from './http-client';

declare global {
  interface Window {
    glimmer?: GlimmerApi;
  }
}

export const api: GlimmerApi = window.glimmer ?? createHttpApi();

export class ApiError extends Error {
  readonly shape: ErrorShape;
  constructor(shape: ErrorShape) {
    super(shape.message);
    this.shape = shape;
  }
}

/** Call and unwrap: resolves with the value or rejects with an ApiError carrying the error shape. */
export async function call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
  const result = await api.call(method, request);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}
