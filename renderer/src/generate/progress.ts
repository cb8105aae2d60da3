/**
 * A job's progress in the two phases users see: the auto-regressive model writing visual tokens,
 * then the diffusion decoder's steps. Everything before is "preparing", everything after "finishing".
 */
import type { JobProgress, Phase } from '../../../main/contract';

export type PhaseGroup = 'preparing' | 'tokens' | 'diffusion' | 'finishing';

export function phaseGroup(phase: Phase): PhaseGroup {
  switch (phase) {
    case 'ar':
      return 'tokens';
    case 'glyph':
    case 'dit':
      return 'diffusion';
    case 'vae':
    case 'check':
    case 'save':
      return 'finishing';
    default:
      return 'preparing';
  }
}

const PHASE_WORDS: Record<Phase, string> = {
  queued: 'Waiting in the queue',
  load: 'Loading the model',
  tokenize: 'Reading the prompt',
  ar: 'Composing: visual tokens',
  glyph: 'Encoding the quoted text',
  dit: 'Rendering: diffusion steps',
  vae: 'Decoding the image',
  check: 'Reading back the quoted text',
  save: 'Saving',
};

export interface ProgressView {
  label: string;
  /** 0..100 for the token phase and the diffusion phase. */
  tokens: number;
  diffusion: number;
  /** "120 / 256 tokens" or "12 / 50 steps", when counting. */
  count: string | null;
  eta: string | null;
}

function pct(step: number, total: number): number {
  return total > 0 ? Math.max(0, Math.min(100, (100 * step) / total)) : 0;
}

export function describeProgress(p: JobProgress): ProgressView {
  const group = phaseGroup(p.phase);
  const tokens = group === 'tokens' ? pct(p.step, p.total) : group === 'preparing' ? 0 : 100;
  const diffusion = p.phase === 'dit' ? pct(p.step, p.total) : group === 'finishing' ? 100 : 0;
  const unit = p.phase === 'ar' ? 'tokens' : p.phase === 'dit' ? 'steps' : null;
  return {
    label: PHASE_WORDS[p.phase] ?? p.phase,
    tokens,
    diffusion,
    count: unit && p.total > 0 ? `${p.step} / ${p.total} ${unit}` : null,
    eta: p.etaMs !== null ? formatEta(p.etaMs) : null,
  };
}

/** "about 5 s left", "about 2 min 10 s left". */
export function formatEta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `about ${s} s left`;
  const m = Math.floor(s / 60);
  if (m < 60) return `about ${m} min ${s % 60} s left`;
  return `about ${Math.floor(m / 60)} h ${m % 60} min left`;
}
