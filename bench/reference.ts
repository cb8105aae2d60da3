/**
 * The PyTorch reference beside our figures: bench/reference/run_reference.py (transformers
 * GlmImageForConditionalGeneration + diffusers 0.39 GlmImagePipeline, random weights at the same
 * configuration) prints JSON figures with the same suite and name as ours; they are merged as the
 * `reference` field of each matching figure, so the table shows the ratio. GPU machines only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { benchRepoRoot } from './paths';
import type { Figure } from './harness';

export interface ReferenceFigure {
  suite: string;
  name: string;
  unit: string;
  /** Median of the reference's samples. */
  value: number;
  samples?: number[];
}

export interface ReferenceReport {
  source: string;
  figures: ReferenceFigure[];
}

export interface ReferenceRunOptions {
  checkpoint: string;
  config: string;
  suites: string[];
  repeats: number;
  /** Sizes our suites used, so both sides time the same work. */
  arPrompt: number;
  arDecode: number;
  pipelineSize: number;
  steps: number;
}

const script = path.join(benchRepoRoot(), 'bench', 'reference', 'run_reference.py');

export function parseReferenceReport(text: string): ReferenceReport {
  // the script prints exactly one JSON object as its last line (logs go to stderr)
  const line = text.trim().split('\n').pop() ?? '';
  const r = JSON.parse(line) as ReferenceReport;
  if (!r || !Array.isArray(r.figures)) throw new Error('reference output has no "figures" array');
  return r;
}

/** Runs the reference script with $GLIMMER_PYTHON (default python3); throws with its stderr tail on failure. */
export function runReference(o: ReferenceRunOptions): ReferenceReport {
  const python = process.env.GLIMMER_PYTHON ?? 'python3';
  const args = [
    script,
    '--checkpoint', o.checkpoint,
    '--config', o.config,
    '--suites', o.suites.join(','),
    '--repeats', String(o.repeats),
    '--ar-prompt', String(o.arPrompt),
    '--ar-decode', String(o.arDecode),
    '--pipeline-size', String(o.pipelineSize),
    '--steps', String(o.steps),
  ];
  console.log(`reference: ${python} ${args.join(' ')}`);
  const r = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`the reference script failed (exit ${r.status ?? r.signal}); see its output above`);
  return parseReferenceReport(r.stdout);
}

export function readReferenceFile(file: string): ReferenceReport {
  return parseReferenceReport(readFileSync(file, 'utf8'));
}

/** Sets `reference` on every figure with a reference figure of the same suite, name and unit. */
export function mergeReference(figures: Figure[], report: ReferenceReport): number {
  let merged = 0;
  for (const f of figures) {
    const r = report.figures.find((x) => x.suite === f.suite && x.name === f.name && x.unit === f.unit);
    if (r && Number.isFinite(r.value)) {
      f.reference = { value: r.value, source: report.source };
      merged++;
    }
  }
  return merged;
}
