/**
 * Measuring, not asserting: repeat a piece of work, keep every sample, report median and spread,
 * the peak host memory while it ran, and (where known) the physical limit beside the figure.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchRepoRoot } from './paths';

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
  /** When it was measured and the machine's 1-minute load then (set by writeResults; a results file keeps figures of several runs). */
  measuredAt?: string;
  loadAverage?: number;
}

export interface MeasureOptions {
  warmup?: number;
  repeats?: number;
}

export interface RunPlan extends Required<MeasureOptions> {
  /** Why the plan differs from the asked warm-up + repeats (empty when it does not). */
  note?: string;
}

/**
 * Fits warm-up + repeats of a run predicted to take `predictedMs` into `budgetMs`: fewer repeats
 * first, then no warm-up; null when even one run would not fit.
 */
export function planRuns(predictedMs: number, repeats: number, budgetMs: number, warmup = 1): RunPlan | null {
  if (!(predictedMs <= budgetMs)) return null;
  const fit = Math.max(1, Math.floor(budgetMs / Math.max(predictedMs, 1e-9)));
  if (fit >= warmup + repeats) return { warmup, repeats };
  if (fit === 1) return { warmup: 0, repeats: 1, note: 'one cold run (no warm-up) to fit the budget' };
  const w = Math.min(warmup, 1);
  return { warmup: w, repeats: fit - w, note: `${fit - w} timed run(s) to fit the budget` };
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

/** GPU memory in use (bytes, all processes) from nvidia-smi; null where there is none. */
export function deviceMemoryUsed(): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], { timeout: 5000 }, (err, stdout) => {
      const mib = err ? NaN : Number(String(stdout).split('\n')[0]);
      resolve(Number.isFinite(mib) ? mib * 2 ** 20 : null);
    });
  });
}

/**
 * Peak device memory while `fn` runs, where the machine tells (nvidia-smi, sampled every 250 ms);
 * onnxruntime-node itself reports no device memory. peakBytes is null where nothing answered.
 */
export async function peakDeviceMemory<T>(fn: () => Promise<T>): Promise<{ result: T; peakBytes: number | null; baselineBytes: number | null }> {
  const baseline = await deviceMemoryUsed();
  if (baseline === null) return { result: await fn(), peakBytes: null, baselineBytes: null };
  let peak = baseline;
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    void deviceMemoryUsed().then((b) => {
      if (b !== null) peak = Math.max(peak, b);
      polling = false;
    });
  }, 250);
  try {
    const result = await fn();
    const last = await deviceMemoryUsed();
    if (last !== null) peak = Math.max(peak, last);
    return { result, peakBytes: peak, baselineBytes: baseline };
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
  /** 1-minute load average when the run started (other work on a shared machine skews figures). */
  loadAverage: number;
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
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
    os: `${process.platform} ${os.release()}`,
    arch: process.arch,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.versions.node,
    onnxruntime,
  };
}

const resultsDir = path.join(benchRepoRoot(), 'bench', 'results');

/** Figures that stand for the same measurement (a newer run replaces the older one in a results file). */
export function sameMeasurement(a: Figure, b: Figure): boolean {
  return a.suite === b.suite && a.name === b.name && a.provider === b.provider && a.precision === b.precision && a.config === b.config;
}

/**
 * Writes bench/results/<suite>-<host>-<date>.json. A file already there for that day keeps its
 * figures of other configurations/precisions; figures of the same measurement are replaced.
 */
export function writeResults(suite: string, machine: MachineInfo, figures: Figure[], meta: Record<string, unknown> = {}): string {
  mkdirSync(resultsDir, { recursive: true });
  const now = new Date().toISOString();
  const date = now.slice(0, 10);
  const safeHost = machine.host.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const file = path.join(resultsDir, `${suite}-${safeHost}-${date}.json`);
  const stamped = figures.map((f) => ({ ...f, measuredAt: f.measuredAt ?? now, loadAverage: f.loadAverage ?? machine.loadAverage }));
  let kept: Figure[] = [];
  if (existsSync(file)) {
    try {
      const old = JSON.parse(readFileSync(file, 'utf8')) as { figures?: Figure[] };
      kept = (old.figures ?? []).filter((o) => !stamped.some((f) => sameMeasurement(o, f)));
    } catch {
      kept = [];
    }
  }
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ suite, date: now, machine, ...meta, figures: [...kept, ...stamped] }, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Figures of the newest results file of each named suite, with the machine they were measured on. */
export function latestResults(suiteNames: string[]): Array<{ figure: Figure; machine: MachineInfo }> {
  if (!existsSync(resultsDir)) return [];
  const files = readdirSync(resultsDir).filter((f) => f.endsWith('.json'));
  const rows: Array<{ figure: Figure; machine: MachineInfo }> = [];
  for (const suite of suiteNames) {
    const mine = files.filter((f) => f.startsWith(`${suite}-`) && /-\d{4}-\d{2}-\d{2}\.json$/.test(f)).sort((a, b) => a.slice(-15).localeCompare(b.slice(-15)));
    const last = mine[mine.length - 1];
    if (!last) continue;
    const data = JSON.parse(readFileSync(path.join(resultsDir, last), 'utf8')) as { machine: MachineInfo; figures: Figure[] };
    for (const figure of data.figures) rows.push({ figure, machine: data.machine });
  }
  return rows;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1000) return n.toFixed(0);
  if (a >= 100) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** The results table as markdown (bench/README.md keeps one current): one row per figure. */
export function markdownTable(rows: Array<{ figure: Figure; machine: MachineInfo }>): string {
  const out = [
    '| suite | figure | median | range (n) | physical limit | of limit | provider | precision | config | machine (load) | measured |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { figure: f, machine: m } of rows) {
    const of = f.limit ? `${((f.better === 'higher' ? f.median / f.limit.value : f.limit.value / f.median) * 100).toFixed(0)}%` : '';
    const ref = f.reference ? ` (ref ${fmt(f.reference.value)})` : '';
    out.push(
      `| ${f.suite} | ${f.name.replace(/\|/g, '/')} | ${fmt(f.median)} ${f.unit}${ref} | ${fmt(f.min)}–${fmt(f.max)} (${f.samples.length}) | ${f.limit ? `${fmt(f.limit.value)} ${f.unit}` : ''} | ${of} | ${f.provider ?? ''} | ${f.precision ?? ''} | ${f.config ?? ''} | ${m.cores}-core ${m.cpu} (${f.loadAverage ?? m.loadAverage ?? '?'}) | ${(f.measuredAt ?? '').slice(0, 16).replace('T', ' ')} |`,
    );
  }
  return out.join('\n');
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
