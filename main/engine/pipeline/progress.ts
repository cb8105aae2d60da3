/**
 * Progress of one generation, as streamers (after transformers.js streamers.js): the pipeline calls
 * put() with phase/step/total and occasional previews, and end() when an image is done or stops; the
 * CLI progress bar, the queue's job.progress events and tests are streamers. ETA comes from the
 * phase's own pace.
 */
import type { Phase } from '../../contract';

/** A small RGB picture (HWC uint8) shown while the image is being made. */
export interface PreviewImage {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** What it shows: the AR token grid or the current latents. */
  kind: 'tokens' | 'latents';
}

export interface PipelineEvent {
  phase: Phase;
  step: number;
  total: number;
  etaMs: number | null;
  preview?: PreviewImage;
}

export interface PipelineStreamer {
  put(event: PipelineEvent): void;
  end(): void;
}

/** Turns (phase, step, total) into events with an ETA from the time per step so far in that phase. */
export class PhaseClock {
  private phase: Phase | null = null;
  private start = 0;
  constructor(
    private readonly streamer: PipelineStreamer | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  begin(phase: Phase, total: number): void {
    this.phase = phase;
    this.start = this.now();
    this.streamer?.put({ phase, step: 0, total, etaMs: null });
  }

  step(step: number, total: number, preview?: PreviewImage): void {
    if (!this.phase) return;
    const elapsed = this.now() - this.start;
    const etaMs = step > 0 ? Math.round((elapsed / step) * (total - step)) : null;
    this.streamer?.put({ phase: this.phase, step, total, etaMs, ...(preview ? { preview } : {}) });
  }
}
