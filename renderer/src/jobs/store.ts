/**
 * The queue as the renderer sees it: every job by id, kept current from job.updated / job.progress
 * events, with the latest progress and a few step previews of each running job. A plain store (the
 * generate panel, the queue drawer and the canvas all read it).
 */
import type { EventMessage, GlimmerApi, JobInfo, JobProgress } from '../../../main/contract';

export interface JobView extends JobInfo {
  /** Latest coarse preview of the token grid (AR phase). */
  tokenPreview: string | null;
  /** Latest previews of the diffusion steps, oldest first (at most MAX_STEP_PREVIEWS). */
  stepPreviews: string[];
}

export const MAX_STEP_PREVIEWS = 6;

export interface JobsState {
  /** Newest first. */
  jobs: JobView[];
  /** jobs.list has answered at least once. */
  loaded: boolean;
  error: string | null;
}

export class JobsStore {
  private byId = new Map<string, JobView>();
  private state: JobsState = { jobs: [], loaded: false, error: null };
  private listeners = new Set<() => void>();
  private doneListeners = new Set<(job: JobView) => void>();

  getState = (): JobsState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called once per job when it reaches done (with its generation ids). */
  onDone(listener: (job: JobView) => void): () => void {
    this.doneListeners.add(listener);
    return () => this.doneListeners.delete(listener);
  }

  private emit(): void {
    const jobs = [...this.byId.values()].sort((a, b) => b.createdAt - a.createdAt);
    this.state = { ...this.state, jobs };
    for (const l of [...this.listeners]) l();
  }

  get(id: string): JobView | undefined {
    return this.byId.get(id);
  }

  /** Replaces everything with a fresh jobs.list answer (previews of running jobs are kept). */
  setAll(jobs: JobInfo[]): void {
    const next = new Map<string, JobView>();
    for (const j of jobs) next.set(j.id, this.merge(j));
    this.byId = next;
    this.state = { ...this.state, loaded: true, error: null };
    this.emit();
  }

  setError(message: string): void {
    this.state = { ...this.state, error: message };
    this.emit();
  }

  private merge(job: JobInfo): JobView {
    const old = this.byId.get(job.id);
    const view: JobView = { ...job, tokenPreview: old?.tokenPreview ?? null, stepPreviews: old?.stepPreviews ?? [] };
    if (job.progress) this.applyProgress(view, job.progress);
    return view;
  }

  private applyProgress(view: JobView, progress: JobProgress): void {
    view.progress = progress;
    if (!progress.preview) return;
    if (progress.phase === 'ar') view.tokenPreview = progress.preview;
    else if (view.stepPreviews[view.stepPreviews.length - 1] !== progress.preview) {
      view.stepPreviews = [...view.stepPreviews, progress.preview].slice(-MAX_STEP_PREVIEWS);
    }
  }

  upsert(job: JobInfo): void {
    const old = this.byId.get(job.id);
    const view = this.merge(job);
    if (job.state !== 'running' && job.progress === null && old?.progress) view.progress = job.state === 'done' ? old.progress : null;
    this.byId.set(job.id, view);
    this.emit();
    if (job.state === 'done' && old?.state !== 'done') for (const l of [...this.doneListeners]) l(view);
  }

  progress(jobId: string, progress: JobProgress): void {
    const old = this.byId.get(jobId);
    if (!old) return;
    const view: JobView = { ...old };
    this.applyProgress(view, progress);
    this.byId.set(jobId, view);
    this.emit();
  }

  /** Feeds an API event to the store; returns true when it was a job event. */
  handle(message: EventMessage): boolean {
    if (message.event === 'job.updated') {
      this.upsert((message.payload as { job: JobInfo }).job);
      return true;
    }
    if (message.event === 'job.progress') {
      const p = message.payload as { jobId: string; progress: JobProgress };
      this.progress(p.jobId, p.progress);
      return true;
    }
    return false;
  }

  /** Loads the list and follows events until the returned function is called. */
  connect(api: GlimmerApi): () => void {
    const off = api.subscribe((m) => this.handle(m));
    void api.call('jobs.list', { includeFinished: true }).then((r) => {
      if (r.ok) this.setAll(r.value.jobs);
      else this.setError(r.error.message);
    });
    return off;
  }
}
