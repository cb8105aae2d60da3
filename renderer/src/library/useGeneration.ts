import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { library, type Generation } from './client';

/** One generation from the library (null while loading). */
export function useGeneration(id: string | number | null, key: unknown = ''): { generation: Generation | null; error: string | null } {
  const [generation, setGeneration] = useState<Generation | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (id === null) return;
    let live = true;
    setGeneration(null);
    library
      .get(id)
      .then((g) => live && (setGeneration(g), setError(null)))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [id, key]);
  return { generation, error };
}
