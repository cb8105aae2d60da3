import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { useCapabilities } from '../api/hooks';
import { LIB, library, type Generation } from './client';

/** One generation from the library (null while loading; undefined when the library API has not landed). */
export function useGeneration(id: string | number | null, key: unknown = ''): { generation: Generation | null | undefined; error: string | null } {
  const caps = useCapabilities();
  const available = caps ? caps.has(LIB.get) : false;
  const [generation, setGeneration] = useState<Generation | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!available || id === null) return;
    let live = true;
    setGeneration(null);
    library
      .get(id)
      .then((g) => live && (setGeneration(g), setError(null)))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [available, id, key]);
  return { generation: available ? generation : undefined, error };
}
