import { useCallback, useEffect, useState } from 'react';
import { type EventMessage, extractGlyphTexts, hasCheckableText, type TextCheck } from '../../../main/contract';
import { api, ApiError, call } from '../api/client';
import type { Generation } from '../library/client';
import { library } from '../library/client';

export interface LiveTextCheck {
  check: TextCheck | null;
  /** The prompt quotes something the check can read. */
  checkable: boolean;
  running: boolean;
  error: string | null;
  /** Ask for a check now (library.checkText). */
  run(): void;
}

/**
 * A generation's text check, kept current: the check made after the image arrives later (announced by
 * library.changed), so the panel picks it up without a reload.
 */
export function useTextCheck(generation: Generation): LiveTextCheck {
  const [check, setCheck] = useState<TextCheck | null>(generation.textCheckDetails);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = generation.id;
  useEffect(() => setCheck(generation.textCheckDetails), [generation]);
  // the check made after the image arrives is announced with library.changed naming this generation
  useEffect(
    () =>
      api.subscribe((message: EventMessage) => {
        if (message.event !== 'library.changed' || !(message as EventMessage<'library.changed'>).payload.ids.includes(id)) return;
        library
          .get(id)
          .then((g) => setCheck(g.textCheckDetails))
          .catch(() => undefined);
      }),
    [id],
  );
  const run = useCallback(() => {
    setRunning(true);
    setError(null);
    call('library.checkText', { id })
      .then((r) => setCheck(r.generation.textCheckDetails))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)))
      .finally(() => setRunning(false));
  }, [id]);
  return { check, checkable: extractGlyphTexts(generation.prompt).some(hasCheckableText), running, error, run };
}
