/**
 * Downloads the app runs in the background: start (or resume), pause (keep the .part files), cancel (delete
 * them), and a listener for state changes and progress. One job per destination folder, so starting a paused
 * download again resumes it.
 */
import { readdir, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GlimmerError, toErrorShape, type ErrorShape } from '../contract';
import { downloadCheckpoint, type DownloadOptions, type DownloadProgress, type DownloadResult } from './download';
import { readDownloadRecord } from './download-record';
import { DEFAULT_REPO } from './layout';
import { downloadFolder } from './models-folder';

export type DownloadState = 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface DownloadJob {
  id: string;
  repo: string;
  revision: string;
  dir: string;
  state: DownloadState;
  progress: DownloadProgress | null;
  error: ErrorShape | null;
  startedAt: number;
  updatedAt: number;
}

export interface StartDownload {
  repo?: string;
  revision?: string;
  endpoint?: string;
  token?: string;
}

export type DownloadJobListener = (job: DownloadJob, kind: 'updated' | 'progress') => void;

type Runner = (options: DownloadOptions) => Promise<DownloadResult>;

export interface DownloadJobsOptions {
  modelsDir: string;
  /** Extra options for every download (tests: freeSpace, retryDelayMs; env). */
  defaults?: Partial<DownloadOptions>;
  run?: Runner;
}

async function removePartFiles(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (e.isFile() && e.name.endsWith('.part')) {
      await unlink(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).catch(() => undefined);
    }
  }
}

export class DownloadJobs {
  private readonly jobs = new Map<string, DownloadJob>();
  private readonly controllers = new Map<string, { ac: AbortController; stop: 'pause' | 'cancel' | null; done: Promise<void> }>();
  private readonly listeners = new Set<DownloadJobListener>();

  constructor(private readonly options: DownloadJobsOptions) {}

  subscribe(listener: DownloadJobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): DownloadJob[] {
    return [...this.jobs.values()].map((j) => ({ ...j }));
  }

  /** Whether a running job writes into this folder. */
  isBusy(dir: string): boolean {
    return [...this.jobs.values()].some((j) => j.state === 'running' && path.resolve(j.dir) === path.resolve(dir));
  }

  get(id: string): DownloadJob {
    const job = this.jobs.get(id);
    if (!job) throw new GlimmerError('not_found', `No download with id ${id}. Refresh the models list.`);
    return { ...job };
  }

  private notify(job: DownloadJob, kind: 'updated' | 'progress') {
    job.updatedAt = Date.now();
    for (const l of [...this.listeners]) {
      try {
        l({ ...job }, kind);
      } catch {
        // a broken listener never stops the download
      }
    }
  }

  /** Starts a download, or resumes it when one for the same repo and revision was paused or failed. */
  start(request: StartDownload = {}): DownloadJob {
    const repo = request.repo ?? DEFAULT_REPO;
    const revision = request.revision ?? 'main';
    const dir = downloadFolder(this.options.modelsDir, repo, revision);
    const id = path.basename(dir);
    const existing = this.jobs.get(id);
    if (existing?.state === 'running') return { ...existing };
    const job: DownloadJob = {
      id,
      repo,
      revision,
      dir,
      state: 'running',
      progress: existing?.progress ?? null,
      error: null,
      startedAt: Date.now(),
      updatedAt: Date.now(),
    };
    this.jobs.set(id, job);
    const ac = new AbortController();
    const control = { ac, stop: null as 'pause' | 'cancel' | null, done: Promise.resolve() };
    this.controllers.set(id, control);
    const run = this.options.run ?? downloadCheckpoint;
    control.done = run({
      ...this.options.defaults,
      repo,
      revision,
      destDir: dir,
      signal: ac.signal,
      ...(request.endpoint ? { endpoint: request.endpoint } : {}),
      ...(request.token ? { token: request.token } : {}),
      onProgress: (p) => {
        job.progress = p;
        this.notify(job, 'progress');
      },
    }).then(
      () => {
        job.state = 'done';
        this.notify(job, 'updated');
      },
      async (err: unknown) => {
        if (control.stop === 'cancel') {
          await removePartFiles(dir);
          const record = await readDownloadRecord(dir);
          if (!record || !Object.values(record.files).some((f) => f.verified)) await rm(dir, { recursive: true, force: true });
          job.state = 'cancelled';
          job.progress = null;
        } else if (control.stop === 'pause') {
          job.state = 'paused';
        } else {
          job.state = 'failed';
          job.error = toErrorShape(err);
        }
        this.notify(job, 'updated');
      },
    ).finally(() => {
      if (this.controllers.get(id) === control) this.controllers.delete(id);
    });
    this.notify(job, 'updated');
    return { ...job };
  }

  private async stop(id: string, how: 'pause' | 'cancel'): Promise<DownloadJob> {
    const job = this.jobs.get(id);
    if (!job) throw new GlimmerError('not_found', `No download with id ${id}. Refresh the models list.`);
    const control = this.controllers.get(id);
    if (control) {
      control.stop = how;
      control.ac.abort();
      await control.done;
    } else if (how === 'cancel' && job.state !== 'done') {
      await removePartFiles(job.dir);
      job.state = 'cancelled';
      this.notify(job, 'updated');
    } else if (how === 'pause' && job.state !== 'paused') {
      throw new GlimmerError('conflict', `The download ${id} is not running (it is ${job.state}).`);
    }
    return { ...job };
  }

  /** Stops a running download and keeps what it fetched; start() resumes it. */
  pause(id: string): Promise<DownloadJob> {
    return this.stop(id, 'pause');
  }

  /** Stops a download and deletes its partial files. */
  cancel(id: string): Promise<DownloadJob> {
    return this.stop(id, 'cancel');
  }

  /** Pauses everything (app shutdown): the next start resumes. */
  async pauseAll(): Promise<void> {
    await Promise.all([...this.controllers.keys()].map((id) => this.pause(id).catch(() => undefined)));
  }
}
