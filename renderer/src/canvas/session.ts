/**
 * The canvas editor of this window: one store (so the gallery can open an image in it), and the
 * jobs started from it, whose results come back as new versions linked to the version they came from.
 */
import type { GenerateRequestInput, JobInfo } from '../../../main/contract';
import { call } from '../api/client';
import { Observable } from '../app/store';
import { jobsStore } from '../jobs/session';
import { library } from '../library/client';
import { t } from '../i18n';
import { mediaUrl } from '../media';
import { type CanvasForm, DEFAULT_CANVAS_FORM, nextCanvasForm } from './form';
import { CanvasStore } from './store';
import type { Rect } from './types';

export { type CanvasForm, type CanvasMode, DEFAULT_CANVAS_FORM, nextCanvasForm } from './form';

export const canvasStore = new CanvasStore();

export const canvasForm = new Observable<CanvasForm>({ ...DEFAULT_CANVAS_FORM });

export function setCanvasForm(patch: Partial<CanvasForm>): void {
  canvasForm.set(nextCanvasForm(canvasForm.get(), patch));
}

/** An open waiting for the user to agree to replace the current document (CanvasPage asks). */
export const pendingReplace = new Observable<{ name: string; run: () => void } | null>(null);

/** Runs `open` now when nothing would be lost, otherwise once the user agrees (the canvas screen asks). */
export function replaceDocument(name: string, open: () => void): void {
  if (!canvasStore.hasWork()) return open();
  pendingReplace.set({ name, run: open });
}

/**
 * Jobs submitted from the canvas → the version they were made from, and where that version lies in
 * the result as fractions of its width and height (a crop or an extension moves it).
 */
const pending = new Map<string, { parent: string | null; place: Rect | null }>();
/** Every job submitted from the canvas in this window, newest last. */
export const canvasJobIds: string[] = [];
/** Results that could not be opened (library API missing or an error), by job id. */
export const resultProblems = new Map<string, string>();

jobsStore.onDone((job) => {
  if (!pending.has(job.id)) return;
  const { parent, place } = pending.get(job.id) ?? { parent: null, place: null };
  pending.delete(job.id);
  void (async () => {
    for (const id of job.generationIds) {
      try {
        const g = await library.get(id);
        if (!g.media) continue;
        const at = place && { x: place.x * g.width, y: place.y * g.height, width: place.width * g.width, height: place.height * g.height };
        canvasStore.addVersion({ src: mediaUrl(g.media.image), width: g.width, height: g.height, generationId: String(g.id), name: t('canvas.resultName', { mode: t(`modes.${job.request.mode}`), id: g.id }) }, parent, at);
      } catch (err) {
        resultProblems.set(job.id, t('canvas.resultNotOpened', { id, message: (err as Error).message }));
      }
    }
  })();
});

/**
 * Submits a request made on the canvas; its result will open as a new version of `fromVersion`,
 * which lies at `place` in it (fractions of the result's width and height; null: all of it).
 */
export async function submitFromCanvas(request: GenerateRequestInput, fromVersion: string | null, place: Rect | null = null): Promise<JobInfo> {
  const { job } = await call('jobs.submit', request);
  pending.set(job.id, { parent: fromVersion, place });
  canvasJobIds.push(job.id);
  return job;
}

