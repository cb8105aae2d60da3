/**
 * The generate panel's form, kept in a small store so it survives switching screens, a reload and a
 * restart (saved in the workspace), and so "use these settings" can fill it. No React here.
 */
import { bestByTextProblem, type GenerateDraft as StoredDraft, type GenerateRequestInput } from '../../../main/contract';
import { t } from '../i18n';
import { ASPECTS, isValidSide, MAX_SIDE, MIN_SIDE, SIDE_STEP, sizeFor, TIERS, type TierId } from './sizes';

export interface GenerateDraft {
  prompt: string;
  aspect: string;
  tier: TierId;
  custom: boolean;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  /** Used when seedLocked; otherwise each generation gets a new random seed. */
  seed: number;
  seedLocked: boolean;
  count: number;
  /** Best of N by text: make `count` candidates and keep them as a group, the best first. */
  bestByText: boolean;
  projectId: string | null;
  /** AR sampling; null: the model's own (GLM-Image: 0.9 and 0.75). */
  temperature: number | null;
  topP: number | null;
}

/** GLM-Image's published AR sampling (its generation_config.json), shown as the defaults. */
export const MODEL_SAMPLING = { temperature: 0.9, topP: 0.75 } as const;

export const DEFAULT_DRAFT: GenerateDraft = {
  prompt: '',
  aspect: '1:1',
  tier: 'medium',
  custom: false,
  width: 1024,
  height: 1024,
  steps: 50,
  guidance: 1.5,
  seed: 0,
  seedLocked: false,
  count: 1,
  bestByText: false,
  projectId: null,
  temperature: null,
  topP: null,
};

/** The size the draft asks for (preset or custom). */
export function draftSize(d: GenerateDraft): { width: number; height: number } {
  if (d.custom) return { width: d.width, height: d.height };
  const a = ASPECTS.find((x) => x.id === d.aspect) ?? ASPECTS[0]!;
  const tier = TIERS.find((x) => x.id === d.tier) ?? TIERS[1];
  return sizeFor(a.w, a.h, tier.side);
}

/** Why the draft cannot be generated as it is, or null. */
export function draftProblem(d: GenerateDraft): string | null {
  if (d.prompt.trim().length === 0) return t('generate.problem.prompt');
  const { width, height } = draftSize(d);
  if (!isValidSide(width) || !isValidSide(height)) return t('generate.problem.size', { min: MIN_SIDE, max: MAX_SIDE, step: SIDE_STEP });
  if (!(d.steps >= 1 && d.steps <= 200)) return t('generate.problem.steps');
  if (!(d.guidance >= 0 && d.guidance <= 20)) return t('generate.problem.guidance');
  if (!(d.count >= 1 && d.count <= 16)) return t('generate.problem.count');
  return bestByTextProblem({ bestByText: d.bestByText, count: d.count, prompt: d.prompt });
}

export function draftRequest(d: GenerateDraft): GenerateRequestInput {
  const { width, height } = draftSize(d);
  return {
    mode: 'text',
    prompt: d.prompt,
    width,
    height,
    steps: Math.round(d.steps),
    guidance: d.guidance,
    count: Math.round(d.count),
    ...(d.bestByText ? { bestByText: true } : {}),
    ...(d.seedLocked ? { seed: Math.round(d.seed) } : {}),
    ...(d.projectId ? { projectId: d.projectId } : {}),
    ...(d.temperature !== null ? { temperature: d.temperature } : {}),
    ...(d.topP !== null ? { topP: d.topP } : {}),
  };
}

const KIND: Record<keyof GenerateDraft, 'string' | 'number' | 'boolean'> = {
  prompt: 'string',
  aspect: 'string',
  tier: 'string',
  custom: 'boolean',
  width: 'number',
  height: 'number',
  steps: 'number',
  guidance: 'number',
  seed: 'number',
  seedLocked: 'boolean',
  count: 'number',
  bestByText: 'boolean',
  projectId: 'string',
  temperature: 'number',
  topP: 'number',
};
const NULLABLE = new Set<keyof GenerateDraft>(['projectId', 'temperature', 'topP']);

/** A stored draft (the workspace's, any version) over the defaults: only fields of the right type are taken. */
export function draftFromStored(stored: StoredDraft | null | undefined): GenerateDraft {
  const out: Record<string, unknown> = { ...DEFAULT_DRAFT };
  for (const key of Object.keys(KIND) as (keyof GenerateDraft)[]) {
    const v = (stored as Record<string, unknown> | null | undefined)?.[key];
    if ((v === null && NULLABLE.has(key)) || typeof v === KIND[key]) out[key] = v;
  }
  const draft = out as unknown as GenerateDraft;
  if (!TIERS.some((x) => x.id === draft.tier)) draft.tier = DEFAULT_DRAFT.tier;
  return draft;
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

export class DraftStore {
  private value: GenerateDraft = { ...DEFAULT_DRAFT };
  private listeners = new Set<() => void>();
  getState = (): GenerateDraft => this.value;
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  update(patch: Partial<GenerateDraft>): void {
    this.value = { ...this.value, ...patch };
    for (const l of [...this.listeners]) l();
  }
  replace(next: GenerateDraft): void {
    this.value = { ...next };
    for (const l of [...this.listeners]) l();
  }
}

export const generateDraft = new DraftStore();
