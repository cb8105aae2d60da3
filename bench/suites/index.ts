/** The benchmark suites by name; each returns its figures (and skips with a printed reason where it cannot run). */
import type { ProviderName } from '../../main/api/contract';
import type { Figure } from '../harness';
import type { Limits } from './limits';
import { runUiStartup } from './ui-startup';
import { runDit } from './dit';
import { runArBench } from './ar';
import { runVae } from './vae';
import { runPipelineBench } from './pipeline';
import { runLibrary } from './library';

export interface SuiteContext {
  config: 'tiny' | 'small' | 'full';
  provider: ProviderName;
  repeats: number;
  precisions?: string[];
  reference: boolean;
  limits: Limits;
  /** Most time one figure's timed runs may take (warm-up included); longer ones run fewer times or are skipped. */
  budgetMs: number;
}

export type Suite = (ctx: SuiteContext) => Promise<Figure[]>;

/** Library size per config: tiny keeps the run short, small/full use the 100k-generation figure. */
const LIBRARY_SCALE = {
  tiny: { generations: 20_000, repeats: 20, images: 4 },
  small: { generations: 100_000, repeats: 40, images: 8 },
  full: { generations: 100_000, repeats: 40, images: 8 },
} as const;

export const suites: Record<string, Suite> = {
  'ui-startup': (ctx) => runUiStartup(Math.min(ctx.repeats, 3)),
  ar: runArBench,
  dit: runDit,
  vae: runVae,
  pipeline: runPipelineBench,
  library: (ctx) => runLibrary({ ...LIBRARY_SCALE[ctx.config] }),
  // @suites
};
