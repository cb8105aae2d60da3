/**
 * The machine's limits for our kind of work, measured with one-op ONNX models through the same
 * provider: matmul throughput (bounds a DiT step) and weight-streaming bandwidth (bounds an AR decode
 * token, which reads every weight once). The best run of each is the limit the suites use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphBuilder } from '../../native-models/onnx';
import type { ProviderName } from '../../main/api/contract';
import { createSession, ort } from '../../main/engine/session';
import { figure, timeMs, type Figure } from '../harness';

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
