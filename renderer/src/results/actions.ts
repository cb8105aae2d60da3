/**
 * What can be done with a finished image, from a result card, the gallery detail or the compare view:
 * the same functions everywhere. Each returns the message to show, or throws an Error to show.
 */
import type { GenerateRequestInput } from '../../../main/contract';
import { call } from '../api/client';
import { canvasStore, replaceDocument, setCanvasForm } from '../canvas/session';
import { t } from '../i18n';
import type { Generation } from '../library/client';
import { mediaUrl } from '../media';

type Recipe = Record<string, unknown>;

/** The text-to-image request that made `g` (its prompt, size, steps, guidance, sampling), as a child of it. */
export function requestLike(g: Generation): GenerateRequestInput & { mode: 'text' } {
  const recipe = (g.recipe ?? {}) as Recipe;
  const sampling = (recipe.sampling ?? {}) as { temperature?: unknown; topP?: unknown };
  return {
    mode: 'text',
    prompt: g.prompt,
    width: g.width,
    height: g.height,
    steps: typeof recipe.steps === 'number' ? recipe.steps : (g.steps ?? 50),
    guidance: typeof recipe.guidance === 'number' ? recipe.guidance : 1.5,
    ...(typeof sampling.temperature === 'number' ? { temperature: sampling.temperature } : {}),
    ...(typeof sampling.topP === 'number' ? { topP: sampling.topP } : {}),
    parentId: g.id,
    ...(g.projectId ? { projectId: g.projectId } : {}),
  };
}

/** "Vary details": the same visual tokens (composition), new noise. Text-to-image results only. */
export async function varyDetails(g: Generation): Promise<string> {
  await call('jobs.submit', { ...requestLike(g), reuseTokensOf: g.id });
  return t('detail.queuedDetails');
}

/** "Vary composition": the same prompt and settings with a new seed. */
export async function varyComposition(g: Generation): Promise<string> {
  await call('jobs.submit', requestLike(g));
  return t('detail.queuedComposition');
}

export function canVary(g: Generation): boolean {
  return g.mode === 'text';
}

/** Opens the image on the canvas, ready for an edit of it. */
export function editOnCanvas(g: Generation): void {
  if (!g.media) return;
  const image = { src: mediaUrl(g.media.image), width: g.width, height: g.height, generationId: g.id, name: g.prompt.slice(0, 40) || t('detail.title', { id: g.id }) };
  replaceDocument(image.name, () => {
    canvasStore.open(image);
    setCanvasForm({ mode: 'edit', prompt: '' });
  });
  window.location.hash = '/canvas';
}

export function downloadName(g: Generation): string {
  const ext = g.media?.format === 'jpeg' ? 'jpg' : (g.media?.format ?? 'png');
  return `glimmer-${g.id}.${ext}`;
}

/** Saves the image file (with its recipe inside) through the browser's download. */
export function download(g: Generation): void {
  if (!g.media) return;
  const a = document.createElement('a');
  a.href = mediaUrl(g.media.image);
  a.download = downloadName(g);
  document.body.append(a);
  a.click();
  a.remove();
}

export async function copySeed(g: Generation): Promise<string> {
  await navigator.clipboard.writeText(String(g.seed ?? ''));
  return t('results.seedCopied', { seed: g.seed ?? '—' });
}

export async function copyPrompt(g: Generation): Promise<string> {
  await navigator.clipboard.writeText(g.prompt);
  return t('detail.promptCopied');
}

export async function copyImage(g: Generation): Promise<string> {
  if (!g.media) return '';
  const blob = await (await fetch(mediaUrl(g.media.image))).blob();
  const png = blob.type === 'image/png' ? blob : await toPng(blob);
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
  return t('detail.imageCopied');
}

async function toPng(blob: Blob): Promise<Blob> {
  const bmp = await createImageBitmap(blob);
  const c = document.createElement('canvas');
  c.width = bmp.width;
  c.height = bmp.height;
  c.getContext('2d')!.drawImage(bmp, 0, 0);
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error(t('detail.clipboardFailed')))), 'image/png'));
}
