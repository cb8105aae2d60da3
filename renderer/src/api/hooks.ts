import { useCallback, useEffect, useState } from 'react';
import type { EventMessage, EventName, Events, Method, RequestOf, ResponseOf } from '../../../main/api/contract';
import type { ErrorShape } from '../../../main/api/errors';
import { ApiError, api, call } from './client';

export interface Query<T> {
  data: T | undefined;
  error: ErrorShape | undefined;
  loading: boolean;
  reload(): void;
}

/** Calls a method when the component mounts (and when `key` changes). */
export function useQuery<M extends Method>(method: M, request: RequestOf<M>, key: unknown = ''): Query<ResponseOf<M>> {
  const [data, setData] = useState<ResponseOf<M>>();
  const [error, setError] = useState<ErrorShape>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const requestJson = JSON.stringify(request);
  useEffect(() => {
    let live = true;
    setLoading(true);
    call(method, JSON.parse(requestJson) as RequestOf<M>)
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (!live) return;
        setError(err instanceof ApiError ? err.shape : { code: 'internal', message: String(err) });
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [method, requestJson, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function useEvent<E extends EventName>(event: E, listener: (payload: Events[E]) => void): void {
  useEffect(
    () =>
      api.subscribe((message: EventMessage) => {
        if (message.event === event) listener(message.payload as Events[E]);
      }),
    [event, listener],
  );
}

let capabilities: Promise<Set<string>> | null = null;
let capabilitiesNow: Set<string> | undefined;

/** Which API methods this build serves (asked once per window; screens of features that have not landed say so). */
export function useCapabilities(): Set<string> | undefined {
  const [caps, setCaps] = useState<Set<string> | undefined>(capabilitiesNow);
  useEffect(() => {
    if (caps) return;
    let live = true;
    capabilities ??= call('system.capabilities', {})
      .then((r) => (capabilitiesNow = new Set(r.methods)))
      .catch((err: unknown) => {
        capabilities = null;
        throw err;
      });
    capabilities.then((c) => live && setCaps(c)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [caps]);
  return caps;
}

/** Runs `fn` when any of these events arrives (e.g. to reload a list). */
export function useEvents(events: readonly EventName[], fn: () => void): void {
  const key = events.join(',');
  useEffect(
    () =>
      api.subscribe((message: EventMessage) => {
        if (key.split(',').includes(message.event)) fn();
      }),
    [key, fn],
  );
}
