/**
 * Low-priority work on the engine thread (the text checks): tasks run one at a time, only while no job
 * runs. A job that arrives while a task runs preempts it — the task's signal is aborted, so it stops at
 * its next checkpoint (the reader checks between its model runs), and it is put back at the front to
 * run again from the start once no job runs. So a check never holds up the next job by more than one
 * of the reader's runs (tens of milliseconds), and every check still ends.
 *
 * Why between jobs and not inside them: the image is the job's result and goes back to the main thread
 * (and into the library) as soon as it is decoded; reading it back is worth having but never worth
 * delaying the next image for. onnxruntime-node runs off the JavaScript thread, so a job's message is
 * seen while a check's run is in progress.
 */
import { GlimmerError } from '../../contract';

export interface IdleTask<T> {
  id: string;
  run(signal: AbortSignal): Promise<T>;
  /** Called once: the result, or why there is none (cancelled, failed). */
  settle(outcome: { ok: true; value: T } | { ok: false; error: unknown }): void;
}

export class IdleTasks<T> {
  private readonly waiting: IdleTask<T>[] = [];
  private current: { task: IdleTask<T>; controller: AbortController; why: 'preempted' | 'cancelled' | null } | null = null;
  private jobs = 0;
  private closed = false;
  private running: Promise<void> = Promise.resolve();
  /** Times a task was preempted by a job (for tests and diagnostics). */
  preemptions = 0;

  add(task: IdleTask<T>): void {
    if (this.closed) {
      task.settle({ ok: false, error: new GlimmerError('unavailable', 'The engine is shutting down; the text check did not run.') });
      return;
    }
    this.waiting.push(task);
    this.pump();
  }

  /**
   * No more tasks (the engine thread is about to stop): waiting ones settle as cancelled, the running
   * one is stopped; resolves once it has (so no model run is in flight when the thread goes).
   */
  close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.settle({ ok: false, error: new GlimmerError('cancelled', 'The text check was cancelled: the engine stopped.') });
    if (this.current) {
      this.current.why = 'cancelled';
      this.current.controller.abort();
    }
    return this.running;
  }

  /** Stops a task (waiting or running); it settles as cancelled. False when there is no such task. */
  cancel(id: string): boolean {
    const k = this.waiting.findIndex((t) => t.id === id);
    if (k >= 0) {
      const [task] = this.waiting.splice(k, 1);
      task!.settle({ ok: false, error: new GlimmerError('cancelled', 'The text check was cancelled.') });
      return true;
    }
    if (this.current?.task.id === id) {
      this.current.why = 'cancelled';
      this.current.controller.abort();
      return true;
    }
    return false;
  }

  /** A job starts: a running task stops at its next checkpoint and waits for the jobs to end. */
  jobStarted(): void {
    this.jobs++;
    if (this.current && this.current.why === null) {
      this.current.why = 'preempted';
      this.preemptions++;
      this.current.controller.abort();
    }
  }

  jobEnded(): void {
    this.jobs = Math.max(0, this.jobs - 1);
    this.pump();
  }

  /** Tasks not finished (waiting or running). */
  get pending(): number {
    return this.waiting.length + (this.current ? 1 : 0);
  }

  private pump(): void {
    if (this.current || this.jobs > 0 || this.closed) return;
    const task = this.waiting.shift();
    if (!task) return;
    const entry = { task, controller: new AbortController(), why: null as 'preempted' | 'cancelled' | null };
    this.current = entry;
    this.running = (async () => task.run(entry.controller.signal))().then(
      (value) => {
        this.current = null;
        task.settle({ ok: true, value });
        this.pump();
      },
      (error: unknown) => {
        this.current = null;
        if (entry.why === 'preempted') this.waiting.unshift(task);
        else task.settle({ ok: false, error: entry.why === 'cancelled' ? new GlimmerError('cancelled', 'The text check was cancelled.') : error });
        this.pump();
      },
    );
  }
}
