/**
 * Compiles run in the background: checkpoint → compiled model folder in <modelsDir>/compiled/, per precision,
 * through native-models' compileModel (which builds each module into <module>.partial/, keeps finished modules
 * across interruptions and writes manifest.json last). Start again after a cancel or a crash resumes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { GlimmerError, toErrorShape, type ErrorShape } from '../contract';
import {
  compiledFolderName,
  compileModel,
  PRECISION_PRESETS,
  type CompilePrecision,
  type CompileProgress,
  type ComputePrecision,
} from '../../native-models';
import { COMPILED_DIR } from './models-folder';
import { reportMessage, validateCheckpoint } from './validate';

export type CompileState = 'running' | 'done' | 'failed' | 'cancelled';

export interface CompileJob {
  /** The output folder's name: stable per checkpoint + precision, so starting again resumes. */
  id: string;
  source: string;
  dir: string;
  precision: CompilePrecision;
  precisionLabel: string;
  compute: ComputePrecision;
  state: CompileState;
  progress: CompileProgress | null;
  error: ErrorShape | null;
  startedAt: number;
  updatedAt: number;
}

export type CompileJobListener = (job: CompileJob, kind: 'updated' | 'progress') => void;

/** Where a checkpoint compiled at a precision goes (the name native-models gives it, shared with the engine). */
export function compiledFolderFor(modelsDir: string, checkpointDir: string, precision: CompilePrecision, compute: ComputePrecision = 'fp32'): string {
  return path.join(path.resolve(modelsDir), COMPILED_DIR, compiledFolderName(checkpointDir, precision, compute));
}

export class CompileJobs {
  private readonly jobs = new Map<string, CompileJob>();
  private readonly controllers = new Map<string, { ac: AbortController; done: Promise<void> }>();
  private readonly listeners = new Set<CompileJobListener>();

  constructor(private readonly options: { modelsDir: string; app?: string }) {}

  subscribe(listener: CompileJobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): CompileJob[] {
    return [...this.jobs.values()].map((j) => ({ ...j }));
  }

  /** Whether a running job writes into this folder. */
  isBusy(dir: string): boolean {
    return [...this.jobs.values()].some((j) => j.state === 'running' && path.resolve(j.dir) === path.resolve(dir));
  }

  private notify(job: CompileJob, kind: 'updated' | 'progress') {
    job.updatedAt = Date.now();
    for (const l of [...this.listeners]) {
      try {
        l({ ...job }, kind);
      } catch {
        // a broken listener never stops the compile
      }
    }
  }

  /** Validates the checkpoint, then compiles it (or resumes a compile of the same checkpoint and precision). */
  /** `name`: the model's display name, recorded in the compiled manifest (and so in each recipe). */
  async start(request: { source: string; precision: CompilePrecision; compute?: ComputePrecision; name?: string }): Promise<CompileJob> {
    const compute = request.compute ?? 'fp32';
    const source = path.resolve(request.source);
    const report = await validateCheckpoint(source);
    if (!report.ok) {
      const code = !report.found ? 'not_found' : report.problems.some((p) => p.kind === 'missing') ? 'model_missing' : 'model_corrupt';
      throw new GlimmerError(code, reportMessage(report), { report });
    }
    const dir = compiledFolderFor(this.options.modelsDir, source, request.precision, compute);
    mkdirSync(path.dirname(dir), { recursive: true }); // <models>/compiled: our own folder
    const id = path.basename(dir);
    const existing = this.jobs.get(id);
    if (existing?.state === 'running') return { ...existing };
    const job: CompileJob = {
      id,
      source,
      dir,
      precision: request.precision,
      precisionLabel: `${PRECISION_PRESETS[request.precision].label}${compute === 'fp16' ? ', fp16 compute' : ''}`,
      compute,
      state: 'running',
      progress: null,
      error: null,
      startedAt: Date.now(),
      updatedAt: Date.now(),
    };
    this.jobs.set(id, job);
    const ac = new AbortController();
    const control = { ac, done: Promise.resolve() };
    this.controllers.set(id, control);
    control.done = compileModel(source, dir, {
      precision: request.precision,
      compute,
      signal: ac.signal,
      ...(this.options.app ? { app: this.options.app } : {}),
      ...(request.name ? { name: request.name } : {}),
      onProgress: (p) => {
        job.progress = p;
        this.notify(job, 'progress');
      },
    })
      .then(
        () => {
          job.state = 'done';
        },
        (err: unknown) => {
          if (ac.signal.aborted) job.state = 'cancelled';
          else {
            job.state = 'failed';
            job.error = toErrorShape(err);
          }
        },
      )
      .finally(() => {
        if (this.controllers.get(id) === control) this.controllers.delete(id);
        this.notify(job, 'updated');
      });
    this.notify(job, 'updated');
    return { ...job };
  }

  /** Stops a compile after the module being built; finished modules are kept for the next start. */
  async cancel(id: string): Promise<CompileJob> {
    const job = this.jobs.get(id);
    if (!job) throw new GlimmerError('not_found', `No compile with id ${id}. Refresh the models list.`);
    const control = this.controllers.get(id);
    if (control) {
      control.ac.abort();
      await control.done;
    }
    return { ...job };
  }

  /** Waits for a running compile to end (tests, shutdown). */
  async settled(id: string): Promise<CompileJob> {
    await this.controllers.get(id)?.done;
    const job = this.jobs.get(id);
    if (!job) throw new GlimmerError('not_found', `No compile with id ${id}.`);
    return { ...job };
  }

  async cancelAll(): Promise<void> {
    await Promise.all([...this.controllers.keys()].map((id) => this.cancel(id).catch(() => undefined)));
  }
}
