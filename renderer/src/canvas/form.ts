/** The canvas's mode panel as plain values (no React): the mode, each mode's own text, steps, guidance. */

export type CanvasMode = 'edit' | 'style' | 'identity';

/**
 * What an extended canvas's new area holds when it is sent (the mask marks it to be drawn anew, so the
 * fill never stays, but the model reads it as a hint of colour and light): the picture stretched over
 * it and blurred, its edge pixels carried outwards, or plain grey (no hint).
 */
export type OutpaintFill = 'blur' | 'edge' | 'grey';
export const OUTPAINT_FILLS: readonly OutpaintFill[] = ['blur', 'edge', 'grey'];

/**
 * The canvas's mode panel: which image-to-image mode, its prompt, steps and guidance (kept in the
 * workspace). Each mode tab keeps its own text: `prompt` is the current mode's, `prompts` all of them.
 */
export interface CanvasForm {
  mode: CanvasMode;
  prompt: string;
  prompts: Partial<Record<CanvasMode, string>>;
  steps: number;
  guidance: number;
  /** How an outpaint's new area is filled when it is sent. */
  fill: OutpaintFill;
}

export const DEFAULT_CANVAS_FORM: CanvasForm = { mode: 'edit', prompt: '', prompts: {}, steps: 50, guidance: 1.5, fill: 'blur' };

/** The form after `patch`: a change of mode brings that mode's own text back; `prompt` is the text of the (new) mode. */
export function nextCanvasForm(form: CanvasForm, patch: Partial<CanvasForm>): CanvasForm {
  const prompts = { ...form.prompts, [form.mode]: form.prompt, ...patch.prompts };
  const mode = patch.mode ?? form.mode;
  const prompt = patch.prompt ?? (patch.prompts?.[mode] !== undefined || mode !== form.mode ? (prompts[mode] ?? '') : form.prompt);
  return { ...form, ...patch, mode, prompt, prompts: { ...prompts, [mode]: prompt } };
}

