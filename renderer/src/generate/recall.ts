/**
 * "Use these settings": a recipe read from an image (ours, or an A1111 parameters text) → the generate
 * form, filling every field it can and saying which it could not and why (another model, reference
 * images a file does not carry, a negative prompt GLM-Image does not use, another tool's sampler).
 * The same reading gives the canvas its mode, prompt, steps and guidance. No React here.
 */
import { SAMPLING_RANGE, isStudioSide, type ImageRecipe, type StoredRecipe } from '../../../main/contract';
import type { CanvasForm } from '../canvas/session';
import { t } from '../i18n';
import { DEFAULT_DRAFT, type GenerateDraft } from './draft';
import { sizeLike } from './sizes';

/** A field the recall could not fill as the image had it, and why (in the current language). */
export interface RecallNote {
  field: 'model' | 'mode' | 'negativePrompt' | 'sampler' | 'size' | 'guidance' | 'seed' | 'sampling';
  reason: string;
}

export interface RecallResult {
  source: 'glimmer' | 'a1111';
  /** The whole form to put in place (fields the image does not set keep the current form's values). */
  draft: GenerateDraft;
  /** What was taken from the image. */
  filled: (keyof GenerateDraft)[];
  notes: RecallNote[];
  /** What the canvas's mode panel takes from the same recipe. */
  canvas: Partial<CanvasForm>;
}

export interface RecallContext {
  /** The form as it is now (what the image does not set stays). */
  current: GenerateDraft;
  /** The model in use (engine.status), to say when the image was made with another. */
  model: { id: string; name: string } | null;
}

const within = (v: number, lo: number, hi: number) => Number.isFinite(v) && v >= lo && v <= hi;

function sizeFields(width: number, height: number, notes: RecallNote[]): Partial<GenerateDraft> {
  if (!(width > 0 && height > 0)) return {};
  if (isStudioSide(width) && isStudioSide(height)) return { custom: true, width, height };
  const near = sizeLike(width, height, 1024);
  notes.push({ field: 'size', reason: t('recall.sizeOutside', { width, height, nearWidth: near.width, nearHeight: near.height }) });
  return { custom: true, width: near.width, height: near.height };
}

function fromGlimmer(r: StoredRecipe, ctx: RecallContext): RecallResult {
  const notes: RecallNote[] = [];
  const set: Partial<GenerateDraft> = { prompt: r.prompt, count: 1 };
  Object.assign(set, sizeFields(r.width, r.height, notes));
  if (within(r.steps, 1, 200)) set.steps = r.steps;
  if (r.guidance !== undefined && within(r.guidance, 0, 20)) set.guidance = r.guidance;
  if (Number.isSafeInteger(r.seed) && r.seed >= 0) Object.assign(set, { seed: r.seed, seedLocked: true });
  const s = r.sampling;
  if (s && within(s.temperature, SAMPLING_RANGE.temperature.min, SAMPLING_RANGE.temperature.max) && within(s.topP, SAMPLING_RANGE.topP.min, SAMPLING_RANGE.topP.max)) {
    Object.assign(set, { temperature: s.temperature, topP: s.topP });
  }
  if (ctx.model && r.model !== ctx.model.id) {
    notes.push({ field: 'model', reason: t('recall.otherModel', { name: r.modelName || r.model, id: r.model, current: ctx.model.name }) });
  } else if (!ctx.model) {
    notes.push({ field: 'model', reason: t('recall.noModel', { name: r.modelName || r.model }) });
  }
  if (r.mode !== 'text') notes.push({ field: 'mode', reason: t('recall.imageMode', { mode: t(`modes.${r.mode}`) }) });
  if (r.negativePrompt?.trim()) notes.push({ field: 'negativePrompt', reason: t('recall.negative') });
  const filled = Object.keys(set).filter((k) => k !== 'count' && k !== 'custom' && k !== 'seedLocked') as (keyof GenerateDraft)[];
  return {
    source: 'glimmer',
    draft: { ...ctx.current, ...set },
    filled,
    notes,
    canvas: {
      ...(r.mode === 'edit' || r.mode === 'style' || r.mode === 'identity' ? { mode: r.mode } : {}),
      prompt: r.prompt,
      ...(set.steps !== undefined ? { steps: set.steps } : {}),
      ...(set.guidance !== undefined ? { guidance: set.guidance } : {}),
    },
  };
}

function fromA1111(p: Extract<ImageRecipe, { kind: 'a1111' }>['parameters'], ctx: RecallContext): RecallResult {
  const notes: RecallNote[] = [];
  const set: Partial<GenerateDraft> = { prompt: p.prompt, count: 1 };
  const size = /^(\d{1,5})x(\d{1,5})$/.exec(p.params.Size ?? '');
  if (size) Object.assign(set, sizeFields(Number(size[1]), Number(size[2]), notes));
  const steps = Number(p.params.Steps);
  if (Number.isInteger(steps) && within(steps, 1, 200)) set.steps = steps;
  const cfg = Number(p.params['CFG scale']);
  if (p.params['CFG scale'] !== undefined) {
    if (within(cfg, 0, 20)) set.guidance = cfg;
    else notes.push({ field: 'guidance', reason: t('recall.guidanceOutside', { value: p.params['CFG scale'] }) });
  }
  const seed = Number(p.params.Seed);
  if (p.params.Seed !== undefined) {
    if (Number.isSafeInteger(seed) && seed >= 0) Object.assign(set, { seed, seedLocked: true });
    else notes.push({ field: 'seed', reason: t('recall.seedUnreadable', { value: p.params.Seed }) });
  }
  if (p.params.Model || p.params['Model hash']) notes.push({ field: 'model', reason: t('recall.otherToolModel', { name: p.params.Model ?? p.params['Model hash'] }) });
  if (p.params.Sampler) notes.push({ field: 'sampler', reason: t('recall.otherSampler', { name: p.params.Sampler }) });
  if (p.negativePrompt?.trim()) notes.push({ field: 'negativePrompt', reason: t('recall.negative') });
  // the AR sampling is GLM-Image's own: the form's stays
  set.temperature = ctx.current.temperature;
  set.topP = ctx.current.topP;
  const filled = Object.keys(set).filter((k) => !['count', 'custom', 'seedLocked', 'temperature', 'topP'].includes(k)) as (keyof GenerateDraft)[];
  return {
    source: 'a1111',
    draft: { ...ctx.current, ...set },
    filled,
    notes,
    canvas: { prompt: p.prompt, ...(set.steps !== undefined ? { steps: set.steps } : {}), ...(set.guidance !== undefined ? { guidance: set.guidance } : {}) },
  };
}

/** The form (and canvas) an image's recipe gives, with what could not be filled; null for an image without one. */
export function recallFromRecipe(read: ImageRecipe | { kind: 'stored'; recipe: StoredRecipe }, ctx: RecallContext = { current: DEFAULT_DRAFT, model: null }): RecallResult | null {
  if (read.kind === 'glimmer' || read.kind === 'stored') return fromGlimmer(read.recipe, ctx);
  if (read.kind === 'a1111') return fromA1111(read.parameters, ctx);
  return null;
}
