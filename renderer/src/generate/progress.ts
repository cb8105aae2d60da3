/**
 * A job's progress in the two phases users see: the auto-regressive model writing visual tokens,
 * then the diffusion decoder's steps. Everything before is "preparing", everything after "finishing".
 */
import type { JobProgress, Phase } from '../../../main/contract';
import { fmt, t } from '../i18n';

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

export interface ProgressView {
  label: string;
  /** 0..100 for the token phase and the diffusion phase. */
  tokens: number;
  diffusion: number;
  /** "120 / 256 tokens" or "12 / 50 steps", when counting. */
  count: string | null;
  eta: string | null;
  /** On a server that reports no phases: the estimated share done (0..100), or null without an estimate. */
  remote: number | null;
}

function pct(step: number, total: number): number {
  return total > 0 ? Math.max(0, Math.min(100, (100 * step) / total)) : 0;
}

export function describeProgress(p: JobProgress): ProgressView {
  const group = phaseGroup(p.phase);
  const tokens = group === 'tokens' ? pct(p.step, p.total) : group === 'preparing' ? 0 : 100;
  const diffusion = p.phase === 'dit' ? pct(p.step, p.total) : group === 'finishing' ? 100 : 0;
  const counted = p.total > 0 ? { step: fmt.number(p.step), total: fmt.number(p.total) } : null;
  return {
    label: t(`progress.phase.${p.phase}`, { defaultValue: p.phase }),
    tokens,
    diffusion,
    count: counted && p.phase === 'ar' ? t('progress.tokens', counted) : counted && p.phase === 'dit' ? t('progress.steps', counted) : null,
    eta: p.etaMs !== null ? `${formatEta(p.etaMs)}${p.estimated ? t('progress.estimatedSuffix') : ''}` : p.estimated ? t('progress.noEstimate') : null,
    remote: p.phase === 'remote' && p.total > 0 ? pct(p.step, p.total) : null,
  };
}

/** "about 5 s left", "about 2 min 10 s left" (in the current language). */
export function formatEta(ms: number): string {
  return t('progress.eta', { duration: fmt.duration(ms / 1000) });
}
