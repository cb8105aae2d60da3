import { useCallback, useEffect, useState } from 'react';
import type { EventMessage, EventName, Method, RequestOf, ResponseOf, ErrorShape } from '../../../main/contract';
import { ApiError, api, call } from './client';

export interface Query<T> {
  data: T | undefined;
  error: ErrorShape | undefined;
  loading: boolean;
  reload(): void;
}

/** Calls a method when the component mounts (and when `key` changes). */
/** `enabled` false: nothing is asked (a request that is not complete yet, such as one without its path). */
export function useQuery<M extends Method>(method: M, request: RequestOf<M>, key: unknown = '', enabled = true): Query<ResponseOf<M>> {
  const [data, setData] = useState<ResponseOf<M>>();
  const [error, setError] = useState<ErrorShape>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const requestJson = JSON.stringify(request);
  useEffect(() => {
    let live = true;
    if (!enabled) {
      setLoading(false);
      return;
    }
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
  }, [method, requestJson, key, tick, enabled]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
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
