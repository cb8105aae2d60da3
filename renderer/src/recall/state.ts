/**
 * The recall flow's state and actions: the image waiting for a choice (the dialog), and what "use
 * these settings" filled and could not (shown on the Generate screen until dismissed).
 */
import { call } from '../api/client';
import { openDetail } from '../app/detail';
import { notify } from '../app/notify';
import { Observable } from '../app/store';
import { canvasStore, replaceDocument, setCanvasForm } from '../canvas/session';
import { generateDraft, recallFromRecipe, type RecallResult } from '../generate';
import { t } from '../i18n';
import { base64Of, type DroppedImage } from './dropped';

/** The image the recall dialog asks about. */
export const pendingImage = new Observable<DroppedImage | null>(null);

export interface RecallReport {
  from: string;
  result: RecallResult;
}
export const recallReport = new Observable<RecallReport | null>(null);

async function currentModel(): Promise<{ id: string; name: string } | null> {
  try {
    const s = await call('engine.status', {});
    return s.model ? { id: s.model.id, name: s.model.name } : null;
  } catch {
    return null;
  }
}

/** What the image's recipe gives the form, against the model in use. */
export async function recallOf(image: DroppedImage): Promise<RecallResult | null> {
  return recallFromRecipe(image.recipe, { current: generateDraft.getState(), model: await currentModel() });
}

/** Fills the generate form from the image and shows the Generate screen with what was and was not filled. */
export async function applySettings(from: string, result: RecallResult): Promise<void> {
  generateDraft.replace(result.draft);
  recallReport.set({ from, result });
  window.location.hash = '/generate';
}

/** Opens the image on the canvas, its recipe (if any) in the mode panel. */
export function openOnCanvas(image: DroppedImage, result: RecallResult | null): void {
  replaceDocument(image.name, () => {
    canvasStore.open({ src: image.url, width: image.width, height: image.height, name: image.name });
    if (result) setCanvasForm(result.canvas);
  });
  window.location.hash = '/canvas';
}

/** Adds the image to the library (its recipe, if any, comes with it); the message offers to show it. */
export async function addToLibrary(image: DroppedImage): Promise<void> {
  const { generation } = await call('library.import', { dataBase64: base64Of(image.bytes), name: image.name.slice(0, 260) || 'image.png' });
  notify(t('recall.added', { name: image.name }), { action: { label: t('recall.show'), run: () => openDetail(generation.id), testId: 'notice-show' } });
}
