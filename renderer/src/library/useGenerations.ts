import { useEffect, useState } from 'react';
import { library, type Generation } from './client';

/** Several generations from the library (in the order of `ids`; ones that fail to load are left out). */
export function useGenerations(ids: readonly string[]): Generation[] {
  const [items, setItems] = useState<Generation[]>([]);
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    void Promise.all(ids.map((id) => library.get(id).catch(() => null))).then((gs) => {
      if (live) setItems(gs.filter((g): g is Generation => g !== null));
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return items;
}
