/** The benchmark suites by name; each returns its figures (and skips with a printed reason where it cannot run). */
import type { ProviderName } from '../../main/api/contract';
import type { Figure } from '../harness';
import type { Limits } from './limits';
import { runUiStartup } from './ui-startup';
import { runDit } from './dit';
import { runArBench } from './ar';

export interface SuiteContext {
  config: 'tiny' | 'small' | 'full';
  provider: ProviderName;
  repeats: number;
  precisions?: string[];
  reference: boolean;
  limits: Limits;
}

export type Suite = (ctx: SuiteContext) => Promise<Figure[]>;

export const suites: Record<string, Suite> = {
  'ui-startup': (ctx) => runUiStartup(Math.min(ctx.repeats, 3)),
  ar: runArBench,
  dit: runDit,
  // @suites
};
