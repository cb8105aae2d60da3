/**
 * Measuring, not asserting: repeat a piece of work, keep every sample, report median and spread,
 * the peak host memory while it ran, and (where known) the physical limit beside the figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Figure {
  suite: string;
  name: string;
  unit: string;
  median: number;
  p95: number;
  min: number;
  max: number;
  samples: number[];
  /** Lower is better (times, bytes) or higher is better (throughputs). */
  better: 'lower' | 'higher';
  /** What the hardware allows for this figure, measured in the same run, and how it was derived. */
  limit?: { value: number; basis: string };
  /** Same figure from the PyTorch reference on the same machine, when run. */
  reference?: { value: number; source: string };
  provider?: string;
  precision?: string;
  config?: string;
  note?: string;
}

export interface MeasureOptions {
  warmup?: number;
  repeats?: number;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: number[]): Pick<Figure, 'median' | 'p95' | 'min' | 'max' | 'samples'> {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), min: sorted[0], max: sorted[sorted.length - 1], samples };
}

/** Time `fn` (milliseconds per call) after warm-up runs. */
export async function timeMs(fn: () => Promise<unknown> | unknown, options: MeasureOptions = {}): Promise<number[]> {
  const warmup = options.warmup ?? 1;
  const repeats = options.repeats ?? 5;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return samples;
}

/** Peak resident set size while `fn` runs (sampled every 10 ms, plus before and after). */
export async function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakBytes: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

export function figure(
  suite: string,
  name: string,
  unit: string,
  samples: number[],
  better: Figure['better'],
  extra: Partial<Figure> = {},
): Figure {
  return { suite, name, unit, better, ...summarize(samples), ...extra };
}

export interface MachineInfo {
  host: string;
  os: string;
  arch: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  onnxruntime: string;
}

export function machineInfo(onnxruntime: string): MachineInfo {
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    os: `${process.platform} ${os.release()}`,
    arch: process.arch,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.versions.node,
    onnxruntime,
  };
}

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

export function writeResults(suite: string, machine: MachineInfo, figures: Figure[], meta: Record<string, unknown> = {}): string {
  mkdirSync(resultsDir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const safeHost = machine.host.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const file = path.join(resultsDir, `${suite}-${safeHost}-${date}.json`);
  writeFileSync(file, `${JSON.stringify({ suite, date: new Date().toISOString(), machine, ...meta, figures }, null, 2)}\n`);
  return file;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1000) return n.toFixed(0);
  if (a >= 100) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

export function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.suite,
    f.name,
    `${fmt(f.median)} ${f.unit}`,
    `${fmt(f.min)}–${fmt(f.max)}`,
    f.limit ? `${fmt(f.limit.value)} ${f.unit} (${f.limit.basis})` : '',
    f.limit ? `${((f.better === 'higher' ? f.median / f.limit.value : f.limit.value / f.median) * 100).toFixed(0)}%` : '',
    f.reference ? `${fmt(f.reference.value)} (${(f.better === 'higher' ? f.median / f.reference.value : f.reference.value / f.median).toFixed(2)}x)` : '',
    [f.provider, f.precision, f.config].filter(Boolean).join(' '),
  ]);
  const header = ['suite', 'figure', 'median', 'range', 'physical limit', 'of limit', 'reference', 'run'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
