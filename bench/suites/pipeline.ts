/**
 * End to end: one text-to-image generation through the Engine (the app's own path: compiled model,
 * sessions under the resident memory profile, AR sampling, glyph, CFG denoise, VAE, PNG with recipe).
 *   tiny   the fixture checkpoint, 512x512, 50 steps
 *   small  random-weight checkpoint from bench/models (~0.5 B AR and DiT), 512x512, 50 steps
 *   full   random weights at the published shapes, 1024x1024, 50 steps (GPU machines)
 * per compile precision preset (--precision; default fp32 for tiny, int4 otherwise).
 *
 * Figures: seconds per image and the time in each phase (tokenize, ar, glyph, dit, vae from the
 * engine's progress events; save = PNG + recipe encoding after the pipeline ends); model load
 * (manifest open + every session created on the first image); peak host memory and, where
 * nvidia-smi answers, device memory; and the share of wall time spent outside onnxruntime's run()
 * calls (our own overhead; target under 3 %), from main/engine/session.ts's timing hook.
 * Limits: the AR phase if bound by streaming the decoder weights once per token, the DiT phase by
 * its FLOPs at the measured matmul rate, the VAE phase likewise; the image, their sum.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Phase } from '../../main/contract';
import { Engine, type PipelineEvent } from '../../main/engine/pipeline';
import { setSessionTimingHook } from '../../main/engine/session';
import { compileModel, parseCompilePrecision, readManifest, type CompilePrecision } from '../../native-models';
import { readArConfig } from '../../native-models/ar';
import { loadDitConfig } from '../../native-models/dit';
import { readVaeConfig } from '../../native-models/vae';
import { figure, peakDeviceMemory, peakRss, planRuns, type Figure } from '../harness';
import { benchCheckpoint } from '../models';
import { arStreamedShare } from './ar';
import { passFlops } from './dit';
import type { SuiteContext } from './index';
import { vaeDecodeFlops } from './vae';

const PHASES = ['tokenize', 'ar', 'glyph', 'dit', 'vae', 'save'] as const;
type TimedPhase = (typeof PHASES)[number];

interface ImageTiming {
  wallMs: number;
  phases: Partial<Record<TimedPhase, number>>;
  runMs: number;
  runs: number;
  saveMs: number;
}

/** Records phase boundaries from progress events and onnxruntime run() time from the session hook. */
class Recorder {
  runMs = 0;
  runs = 0;
  createdMs = 0;
  sessions = 0;
  private phase: Phase | null = null;
  private phaseStart = 0;
  private endedAt = 0;
  phases: Partial<Record<TimedPhase, number>> = {};
  createdInPhase: Partial<Record<TimedPhase, number>> = {};

  hook = {
    created: (_label: string, ms: number) => {
      this.createdMs += ms;
      this.sessions++;
      // sessions are created on first use, inside a phase: keep that time apart from the phase's work
      if (this.phase && (PHASES as readonly string[]).includes(this.phase)) {
        const k = this.phase as TimedPhase;
        this.createdInPhase[k] = (this.createdInPhase[k] ?? 0) + ms;
      }
    },
    ran: (_label: string, ms: number) => {
      this.runMs += ms;
      this.runs++;
    },
  };

  streamer = {
    put: (e: PipelineEvent) => {
      if (e.phase === this.phase) return;
      this.close();
      this.phase = e.phase;
      this.phaseStart = performance.now();
    },
    end: () => {
      this.close();
      this.endedAt = performance.now();
    },
  };

  private close(): void {
    if (this.phase && (PHASES as readonly string[]).includes(this.phase)) {
      const k = this.phase as TimedPhase;
      this.phases[k] = (this.phases[k] ?? 0) + (performance.now() - this.phaseStart);
    }
    this.phase = null;
  }

  reset(): void {
    this.runMs = 0;
    this.runs = 0;
    this.phases = {};
    this.phase = null;
  }

  /** The PNG + recipe encoding after the pipeline's end(), up to the engine's onImage. */
  saved(): number {
    const ms = performance.now() - this.endedAt;
    this.phases.save = ms;
    return ms;
  }
}

export async function runPipelineBench(ctx: SuiteContext): Promise<Figure[]> {
  if (ctx.config === 'full' && ctx.provider === 'cpu') {
    console.log('pipeline (full) skipped: the published shapes need a GPU provider (about 35 GB of weights)');
    return [];
  }
  const size = ctx.config === 'full' ? 1024 : 512;
  const steps = 50;
  const guidance = 1.5;
  const checkpoint = await benchCheckpoint(ctx.config);
  const presets = (ctx.precisions ?? [ctx.config === 'tiny' ? 'fp32' : 'int4']).map(parseCompilePrecision);
  const work = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-pipeline-'));
  const figures: Figure[] = [];
  try {
    for (const precision of presets) figures.push(...(await onePreset(ctx, checkpoint, precision, work, size, steps, guidance)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

async function onePreset(ctx: SuiteContext, checkpoint: string, precision: CompilePrecision, work: string, size: number, steps: number, guidance: number): Promise<Figure[]> {
  const extra = { provider: ctx.provider, precision, config: ctx.config };
  const modelDir = path.join(work, precision);
  const tc = performance.now();
  await compileModel(checkpoint, modelDir, { precision, app: 'glimmer bench' });
  const compileS = (performance.now() - tc) / 1000;

  // physical limits of the three heavy phases
  const manifest = readManifest(modelDir);
  const arDataBytes = manifest.modules.ar!.files.filter((f) => f.path.endsWith('.data')).reduce((a, f) => a + f.bytes, 0);
  const arComponent = path.join(checkpoint, 'vision_language_encoder');
  const streamedPerToken = arDataBytes * arStreamedShare(readArConfig(arComponent));
  const target = (size / 32) ** 2;
  const arTokens = target + 256 + 1; // t2i at a square size: the 16x16 preview grid, the target grid, the end token
  const arLimitS = (arTokens * streamedPerToken) / ctx.limits.weightBytesPerSecond;
  const dit = loadDitConfig(path.join(checkpoint, 'transformer'));
  const imageTokens = (size / 8 / dit.patchSize) ** 2;
  const ditLimitS = (steps * (passFlops(dit, imageTokens, 16) + passFlops(dit, imageTokens, 1))) / ctx.limits.matmulFlops;
  const vaeCfg = readVaeConfig(path.join(checkpoint, 'vae'));
  const vaeLimitS = vaeDecodeFlops(vaeCfg, size / vaeCfg.scaleFactor, size / vaeCfg.scaleFactor) / ctx.limits.matmulFlops;

  const rec = new Recorder();
  const settings = { modelDir, provider: ctx.provider, memoryProfile: 'resident' as const, precision };
  const engine = new Engine({ app: 'glimmer bench', settings: () => settings, compileCacheDir: path.join(work, 'cache') });
  const previousHook = setSessionTimingHook(rec.hook);
  const images: ImageTiming[] = [];
  let loadS = 0;
  const prompt = 'A poster of a red fox in a neon city at night, the title "GLIMMER" in large letters';
  const generateOne = async (seed: number): Promise<ImageTiming> => {
    rec.reset();
    let saveMs = 0;
    const t0 = performance.now();
    await engine.generate(
      { mode: 'text', prompt, width: size, height: size, steps, guidance, seed, count: 1 },
      {
        streamer: rec.streamer,
        onImage: () => {
          saveMs = rec.saved();
        },
      },
    );
    const wallMs = performance.now() - t0;
    return { wallMs, phases: { ...rec.phases }, runMs: rec.runMs, runs: rec.runs, saveMs };
  };
  try {
    const { result: device, peakBytes } = await peakRss(() =>
      peakDeviceMemory(async () => {
        const tl = performance.now();
        await engine.load();
        const openMs = performance.now() - tl;
        // first image: sessions are created on first use (resident profile keeps them)
        const first = await generateOne(1);
        loadS = (openMs + rec.createdMs) / 1000;
        console.log(`pipeline ${precision}: first image ${(first.wallMs / 1000).toFixed(1)} s (with ${rec.sessions} sessions created in ${(rec.createdMs / 1000).toFixed(1)} s)`);
        const plan = planRuns(first.wallMs - rec.createdMs, ctx.repeats, ctx.budgetMs, 0);
        const repeats = plan?.repeats ?? 0;
        if (repeats === 0) {
          console.log('pipeline: one image already fills the budget; the figures come from the first image (session creation taken out)');
          const phases = { ...first.phases };
          for (const [k, ms] of Object.entries(rec.createdInPhase)) phases[k as TimedPhase] = (phases[k as TimedPhase] ?? 0) - ms;
          images.push({ ...first, wallMs: first.wallMs - rec.createdMs, phases });
        }
        for (let i = 0; i < repeats; i++) images.push(await generateOne(2 + i));
        return null;
      }),
    );
    const wall = images.map((m) => m.wallMs / 1000);
    const sumLimit = arLimitS + ditLimitS + vaeLimitS;
    const out: Figure[] = [
      figure('pipeline', `image ${size}x${size}, ${steps} steps, CFG ${guidance}`, 's', wall, 'lower', {
        ...extra,
        limit: { value: sumLimit, basis: 'sum of the AR, DiT and VAE phase limits' },
      }),
    ];
    const phaseLimit: Partial<Record<TimedPhase, { value: number; basis: string }>> = {
      ar: { value: arLimitS, basis: `${arTokens} tokens x ${(streamedPerToken / 1e6).toPrecision(3)} MB of decoder weights at the measured streaming bandwidth` },
      dit: { value: ditLimitS, basis: `${steps} steps x cond+uncond FLOPs at the measured matmul rate` },
      vae: { value: vaeLimitS, basis: 'decoder convolution FLOPs at the measured matmul rate' },
    };
    for (const p of PHASES) {
      out.push(figure('pipeline', `phase ${p}`, 's', images.map((m) => (m.phases[p] ?? 0) / 1000), 'lower', { ...extra, ...(phaseLimit[p] ? { limit: phaseLimit[p] } : {}) }));
    }
    out.push(
      figure('pipeline', 'outside onnxruntime run() (target < 3 %)', '%', images.map((m) => (100 * (m.wallMs - m.runMs)) / m.wallMs), 'lower', {
        ...extra,
        note: `mean ${(images.reduce((a, m) => a + (m.wallMs - m.runMs), 0) / images.length / 1000).toFixed(2)} s outside run() per image, ${Math.round(images.reduce((a, m) => a + m.runs, 0) / images.length)} run() calls; without the PNG save ${(
          (100 * images.reduce((a, m) => a + (m.wallMs - m.saveMs - m.runMs) / (m.wallMs - m.saveMs), 0)) /
          images.length
        ).toFixed(1)} %`,
      }),
      figure('pipeline', 'model load (open + create every session)', 's', [loadS], 'lower', extra),
      figure('pipeline', 'compile (checkpoint → model folder)', 's', [compileS], 'lower', extra),
      figure('pipeline', 'peak host memory (RSS)', 'MB', [peakBytes / 1e6], 'lower', extra),
    );
    const dev = device.peakBytes;
    if (dev !== null) out.push(figure('pipeline', 'peak device memory (nvidia-smi, all processes)', 'MB', [dev / 1e6], 'lower', extra));
    return out;
  } finally {
    setSessionTimingHook(previousHook);
    await engine.dispose();
  }
}
