/**
 * The machine's limits for our kind of work, measured with one-op ONNX models through the same
 * provider: matmul throughput (bounds a DiT step) and weight-streaming bandwidth (bounds an AR decode
 * token, which reads every weight once). The best run of each is the limit the suites use, or the
 * best any earlier run on this host and provider saw (kept in the limits results files as hostBest):
 * a machine shared with other work gives each run a different share of it, and the limit is what
 * the machine can do.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphBuilder } from '../../native-models/onnx';
import type { ProviderName } from '../../main/contract';
import { createSession, ort } from '../../main/engine/session';
import { figure, timeMs, type Figure, type MachineInfo } from '../harness';
import { benchRepoRoot } from '../paths';

export interface Limits {
  /** float32 matmul FLOP/s. */
  matmulFlops: number;
  /** Bytes of weights read per second by a 1-row matmul. */
  weightBytesPerSecond: number;
  figures: Figure[];
}

async function matmulModel(dir: string, name: string, M: number, K: number, N: number): Promise<string> {
  const g = new GraphBuilder(name);
  const a = g.input('a', 'float32', [M, K]);
  const w = new Float32Array(K * N);
  for (let i = 0; i < w.length; i++) w[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  const b = g.initializer('w', w, [K, N]);
  g.output(g.op('MatMul', [a, b]), 'float32', [M, N], 'y');
  const saved = await g.save(dir, name);
  return saved.modelPath;
}

export async function measureLimits(provider: ProviderName, scale: 'small' | 'large', repeats: number): Promise<Limits> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glimmer-bench-limits-'));
  try {
    // big enough to leave caches and reach steady throughput, small enough for a 2-core laptop
    const [M, K, N] = scale === 'large' ? [4096, 4096, 4096] : [512, 2048, 2048];
    // the streamed matrix is 256 MB (small) / 1 GB (large): far past any last-level cache
    const [Kb, Nb] = scale === 'large' ? [16384, 16384] : [8192, 8192];
    const gemm = await createSession(await matmulModel(dir, 'gemm', M, K, N), { provider });
    const gemv = await createSession(await matmulModel(dir, 'gemv', 1, Kb, Nb), { provider });
    const a = new ort.Tensor('float32', new Float32Array(M * K).fill(0.01), [M, K]);
    const v = new ort.Tensor('float32', new Float32Array(Kb).fill(0.01), [1, Kb]);
    const gemmMs = await timeMs(() => gemm.run({ a }), { warmup: 1, repeats: Math.max(repeats, 5) });
    const gemvMs = await timeMs(() => gemv.run({ a: v }), { warmup: 2, repeats: repeats * 4 });
    await gemm.release();
    await gemv.release();
    const flops = gemmMs.map((ms) => (2 * M * K * N) / (ms / 1000) / 1e9);
    const bandwidth = gemvMs.map((ms) => (Kb * Nb * 4) / (ms / 1000) / 1e9);
    const figures = [
      figure('limits', `matmul fp32 [${M}x${K}]x[${K}x${N}]`, 'GFLOP/s', flops, 'higher', { provider }),
      figure('limits', `weight streaming fp32 [1x${Kb}]x[${Kb}x${Nb}]`, 'GB/s', bandwidth, 'higher', { provider }),
    ];
    // a limit is what the machine can do: the best run, not the median (a shared machine only slows runs down)
    return { matmulFlops: figures[0].max * 1e9, weightBytesPerSecond: figures[1].max * 1e9, figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface HostBest {
  provider: string;
  scale: string;
  matmulFlops: number;
  weightBytesPerSecond: number;
}

const scaleOf = (l: Limits) => (l.figures[0]?.name.includes('4096x4096') ? 'large' : 'small');

export function hostBestOf(l: Limits): HostBest {
  return { provider: l.figures[0]?.provider ?? '', scale: scaleOf(l), matmulFlops: l.matmulFlops, weightBytesPerSecond: l.weightBytesPerSecond };
}

/** The best limits earlier runs recorded for this host and provider (any date), if any. */
export function readHostBest(machine: MachineInfo, provider: string): HostBest[] {
  const dir = path.join(benchRepoRoot(), 'bench', 'results');
  if (!existsSync(dir)) return [];
  const host = machine.host.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const out: HostBest[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`limits-${host}-`) || !f.endsWith('.json')) continue;
    try {
      const best = (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { hostBest?: HostBest }).hostBest;
      if (best && best.provider === provider) out.push(best);
    } catch {
      // an unreadable results file has no best to offer
    }
  }
  return out;
}

/** This run's limits raised to the best seen before at the same scale (figures unchanged: they are this run's). */
export function withHostBest(l: Limits, earlier: HostBest[]): Limits {
  const same = earlier.filter((b) => b.scale === scaleOf(l));
  return {
    ...l,
    matmulFlops: Math.max(l.matmulFlops, ...same.map((b) => b.matmulFlops)),
    weightBytesPerSecond: Math.max(l.weightBytesPerSecond, ...same.map((b) => b.weightBytesPerSecond)),
  };
}
