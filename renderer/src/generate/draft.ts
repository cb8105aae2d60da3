/**
 * The generate panel's form, kept in a small store so it survives switching screens and so the
 * gallery's "reuse settings" can fill it. No React here.
 */
import { bestByTextProblem, type GenerateRequestInput } from '../../../main/contract';
import { ASPECTS, isValidSide, sizeFor, TIERS, type TierId } from './sizes';

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
}

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
};

/** The size the draft asks for (preset or custom). */
export function draftSize(d: GenerateDraft): { width: number; height: number } {
  if (d.custom) return { width: d.width, height: d.height };
  const a = ASPECTS.find((x) => x.id === d.aspect) ?? ASPECTS[0]!;
  const t = TIERS.find((x) => x.id === d.tier) ?? TIERS[1];
  return sizeFor(a.w, a.h, t.side);
}

/** Why the draft cannot be generated as it is, or null. */
export function draftProblem(d: GenerateDraft): string | null {
  if (d.prompt.trim().length === 0) return 'Write a prompt first.';
  const { width, height } = draftSize(d);
  if (!isValidSide(width) || !isValidSide(height)) return 'Width and height must be multiples of 32 from 512 to 2048.';
  if (!(d.steps >= 1 && d.steps <= 200)) return 'Steps must be from 1 to 200.';
  if (!(d.guidance >= 0 && d.guidance <= 20)) return 'Guidance must be from 0 to 20.';
  if (!(d.count >= 1 && d.count <= 16)) return 'Count must be from 1 to 16.';
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
  };
}

/** The draft that reproduces a recorded request (gallery "reuse settings"): its size becomes a custom size, its seed locked. */
export function draftFromRecipe(r: { prompt?: unknown; width?: unknown; height?: unknown; steps?: unknown; guidance?: unknown; seed?: unknown }): GenerateDraft {
  const num = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);
  const width = num(r.width, 1024);
  const height = num(r.height, 1024);
  const seed = typeof r.seed === 'number' && Number.isSafeInteger(r.seed) ? r.seed : null;
  return {
    ...DEFAULT_DRAFT,
    prompt: typeof r.prompt === 'string' ? r.prompt : '',
    custom: true,
    width,
    height,
    steps: num(r.steps, DEFAULT_DRAFT.steps),
    guidance: num(r.guidance, DEFAULT_DRAFT.guidance),
    seed: seed ?? 0,
    seedLocked: seed !== null,
  };
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
