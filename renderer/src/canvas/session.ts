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
import { CanvasStore } from './store';

export const canvasStore = new CanvasStore();

export type CanvasMode = 'edit' | 'style' | 'identity';

/** The canvas's mode panel: which image-to-image mode, its prompt, steps and guidance (kept in the workspace). */
export interface CanvasForm {
  mode: CanvasMode;
  prompt: string;
  steps: number;
  guidance: number;
}

export const DEFAULT_CANVAS_FORM: CanvasForm = { mode: 'edit', prompt: '', steps: 50, guidance: 1.5 };
export const canvasForm = new Observable<CanvasForm>({ ...DEFAULT_CANVAS_FORM });

export function setCanvasForm(patch: Partial<CanvasForm>): void {
  canvasForm.set({ ...canvasForm.get(), ...patch });
}

/** Jobs submitted from the canvas → the version they were made from. */
const pending = new Map<string, string | null>();
/** Every job submitted from the canvas in this window, newest last. */
export const canvasJobIds: string[] = [];
/** Results that could not be opened (library API missing or an error), by job id. */
export const resultProblems = new Map<string, string>();

jobsStore.onDone((job) => {
  if (!pending.has(job.id)) return;
  const parent = pending.get(job.id) ?? null;
  pending.delete(job.id);
  void (async () => {
    for (const id of job.generationIds) {
      try {
        const g = await library.get(id);
        if (!g.media) continue;
        canvasStore.addVersion({ src: mediaUrl(g.media.image), width: g.width, height: g.height, generationId: String(g.id), name: t('canvas.resultName', { mode: t(`modes.${job.request.mode}`), id: g.id }) }, parent);
      } catch (err) {
        resultProblems.set(job.id, t('canvas.resultNotOpened', { id, message: (err as Error).message }));
      }
    }
  })();
});

/** Submits a request made on the canvas; its result will open as a new version of `fromVersion`. */
export async function submitFromCanvas(request: GenerateRequestInput, fromVersion: string | null): Promise<JobInfo> {
  const { job } = await call('jobs.submit', request);
  pending.set(job.id, fromVersion);
  canvasJobIds.push(job.id);
  return job;
}


/** Opens an image in the canvas and shows the canvas screen. */
export function openInCanvas(image: { src: string; width: number; height: number; name?: string; generationId?: string | null }): void {
  canvasStore.open(image);
  window.location.hash = '/canvas';
}
