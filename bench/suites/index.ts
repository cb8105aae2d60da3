/** The benchmark suites by name; each returns its figures (and skips with a printed reason where it cannot run). */
import type { ProviderName } from '../../main/contract';
import type { Figure } from '../harness';
import type { Limits } from './limits';

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

/**
 * Each suite is loaded when it runs, so a machine without a suite's dependencies (Playwright,
 * better-sqlite3: the GPU bundle of bench/gpu/pack.sh) can still run the others.
 */
export const suites: Record<string, Suite> = {
  'ui-startup': async (ctx) => (await import('./ui-startup')).runUiStartup(Math.min(ctx.repeats, 3)),
  ar: async (ctx) => (await import('./ar')).runArBench(ctx),
  dit: async (ctx) => (await import('./dit')).runDit(ctx),
  vae: async (ctx) => (await import('./vae')).runVae(ctx),
  pipeline: async (ctx) => (await import('./pipeline')).runPipelineBench(ctx),
  library: async (ctx) => (await import('./library')).runLibrary({ ...LIBRARY_SCALE[ctx.config] }),
  responsiveness: async (ctx) => (await import('./responsiveness')).runResponsiveness(ctx),
  ocr: async (ctx) => (await import('./ocr')).runOcrBench(ctx),
  memory: async (ctx) => (await import('./memory')).runMemory(ctx),
};
