/**
 * Keeps the workspace (contract Workspace) in step with the window: on start, the generate form and
 * the canvas come back as they were (after a reload or a restart, in the app or in `serve`); while
 * working, changes are saved a moment after they stop. Canvas images are kept by library id, or as a
 * data URL when they came from a file. The prompt presets live here too.
 */
import type { CanvasDraft, DraftImage, GenerateDraft as StoredDraft, PromptPreset } from '../../../main/contract';
import { call } from '../api/client';
import { Observable } from '../app/store';
import { canvasForm, canvasStore, DEFAULT_CANVAS_FORM, type CanvasMode } from '../canvas/session';
import { loadImage } from '../canvas/images';
import type { ImageSource } from '../canvas/store';
import { documentOfDraft, draftOfDocument, keepDocument } from '../canvas/keep';
import { draftFromStored, generateDraft } from '../generate';
import { library } from '../library/client';
import { mediaUrl } from '../media';

const SAVE_AFTER_MS = 600;
/** Largest file image kept in the workspace as a data URL (bigger ones: add them to the library). */
const MAX_DATA_URL = 24 * 1024 * 1024;

export const presets = new Observable<PromptPreset[]>([]);
/** Whether the workspace has been read (and the drafts put back). */
export const workspaceLoaded = new Observable<boolean>(false);

let started = false;
const dataUrls = new Map<string, Promise<string | null>>();

/** A file image (blob: URL) as a data URL, re-encoded as PNG through a canvas (the page may not fetch blob: URLs). */
async function toDataUrl(src: string): Promise<string | null> {
  if (src.startsWith('data:')) return src;
  let p = dataUrls.get(src);
  if (!p) {
    p = (async () => {
      const img = await loadImage(src);
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      c.getContext('2d')!.drawImage(img, 0, 0);
      const url = c.toDataURL('image/png');
      return url.length > MAX_DATA_URL ? null : url;
    })().catch(() => null);
    dataUrls.set(src, p);
  }
  return p;
}

async function draftImage(layer: ImageSource): Promise<DraftImage | null> {
  const name = (layer.name ?? '').slice(0, 200);
  if (layer.generationId) return { generationId: layer.generationId, width: layer.width, height: layer.height, name };
  const dataUrl = await toDataUrl(layer.src);
  return dataUrl && /^data:image\/(png|jpeg|webp);base64,/.test(dataUrl) ? { dataUrl, width: layer.width, height: layer.height, name } : null;
}

async function sourceOf(img: DraftImage): Promise<ImageSource | null> {
  if ('dataUrl' in img) return { src: img.dataUrl, width: img.width, height: img.height, name: img.name };
  try {
    const g = await library.get(img.generationId);
    return g.media ? { src: mediaUrl(g.media.image), width: g.width, height: g.height, name: img.name, generationId: g.id } : null;
  } catch {
    return null;
  }
}

async function canvasDraft(): Promise<CanvasDraft> {
  const { doc, view } = canvasStore.getState();
  const form = canvasForm.get();
  const kept = keepDocument(doc, view);
  const images = kept ? await draftOfDocument(kept, draftImage) : { base: null };
  return {
    ...images,
    mode: form.mode,
    prompt: form.prompt,
    prompts: { ...form.prompts, [form.mode]: form.prompt },
    steps: form.steps,
    guidance: form.guidance,
    fill: form.fill,
  };
}

function debounce(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, SAVE_AFTER_MS);
  };
}

async function restore(): Promise<void> {
  const ws = await call('workspace.get', {});
  presets.set(ws.presets);
  // what the user did before the answer came wins over what was kept
  if (ws.generate && !touched.generate) generateDraft.replace(draftFromStored(ws.generate as StoredDraft));
  const c = ws.canvas;
  if (c && !touched.canvas) {
    canvasForm.set({
      mode: (c.mode as CanvasMode | undefined) ?? DEFAULT_CANVAS_FORM.mode,
      prompt: c.prompt ?? '',
      prompts: { ...c.prompts, [(c.mode as CanvasMode | undefined) ?? DEFAULT_CANVAS_FORM.mode]: c.prompt ?? '' },
      steps: typeof c.steps === 'number' ? c.steps : DEFAULT_CANVAS_FORM.steps,
      guidance: typeof c.guidance === 'number' ? c.guidance : DEFAULT_CANVAS_FORM.guidance,
      fill: c.fill ?? DEFAULT_CANVAS_FORM.fill,
    });
    const kept = await documentOfDraft(c, sourceOf);
    if (kept && !touched.canvas) canvasStore.restoreDocument(kept);
  }
}

const touched = { generate: false, canvas: false };

/** Starts once per window: puts the kept drafts back, then saves changes as they settle. */
export function startWorkspaceSync(): void {
  if (started) return;
  started = true;
  let restoring = true;
  const saveGenerate = debounce(() => {
    void call('workspace.update', { generate: generateDraft.getState() }).catch(() => undefined);
  });
  const saveCanvas = debounce(() => {
    void canvasDraft()
      .then((canvas) => call('workspace.update', { canvas }))
      .catch(() => undefined);
  });
  generateDraft.subscribe(() => {
    if (restoring) return;
    touched.generate = true;
    saveGenerate();
  });
  let last = canvasStore.getState();
  canvasStore.subscribe(() => {
    const now = canvasStore.getState();
    const docChanged = now.doc !== last.doc;
    const viewChanged = now.view !== last.view;
    last = now;
    // the tool alone is not kept; the view is, but a view change alone does not count as work
    if (restoring || (!docChanged && !viewChanged)) return;
    if (docChanged) touched.canvas = true;
    saveCanvas();
  });
  canvasForm.subscribe(() => {
    if (restoring) return;
    touched.canvas = true;
    saveCanvas();
  });
  void restore()
    .catch(() => undefined)
    .finally(() => {
      restoring = false;
      workspaceLoaded.set(true);
    });
}

/** Saves the presets (the whole list). */
export async function savePresets(next: PromptPreset[]): Promise<void> {
  const ws = await call('workspace.update', { presets: next });
  presets.set(ws.presets);
}
