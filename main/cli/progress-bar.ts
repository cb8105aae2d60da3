/**
 * The CLI's progress display: a streamer of the engine. On a terminal, a bar redrawn in place; in a
 * log (stdout or stderr not a terminal), plain lines: one when a phase starts, then one each time the
 * phase is another tenth further or `everyMs` has passed, each with its count, percent and ETA.
 */
import type { PipelineEvent, PipelineStreamer } from '../engine/pipeline';
import { duration, t } from './i18n';
import { redrawsInPlace } from './terminal';

function label(phase: string): string {
  return t(`progress.phase.${phase as 'load'}`, { defaultValue: phase });
}

function eta(ms: number | null): string {
  return ms === null ? '' : ` ${t('progress.eta', { duration: duration(ms / 1000) })}`;
}

export interface ProgressOptions {
  /** Redraw one line in place (a terminal) or write plain lines (a log). */
  tty?: boolean;
  /** In a log, the longest wait between two lines of one phase. */
  everyMs?: number;
  now?: () => number;
}

export class ProgressBar implements PipelineStreamer {
  private lastPhase = '';
  private lastDraw = 0;
  private lastTenth = -1;
  private readonly tty: boolean;
  private readonly everyMs: number;
  private readonly now: () => number;

  constructor(
    private readonly out: Pick<NodeJS.WritableStream, 'write'> = process.stderr,
    options: ProgressOptions = {},
  ) {
    this.tty = options.tty ?? redrawsInPlace();
    this.everyMs = options.everyMs ?? 5000;
    this.now = options.now ?? (() => Date.now());
  }

  put(e: PipelineEvent): void {
    const name = label(e.phase).padEnd(10);
    const now = this.now();
    const newPhase = e.phase !== this.lastPhase;
    if (!this.tty) {
      const tenth = e.total > 0 ? Math.floor((10 * Math.min(e.step, e.total)) / e.total) : 0;
      if (!newPhase && tenth === this.lastTenth && now - this.lastDraw < this.everyMs) return;
      this.lastPhase = e.phase;
      this.lastTenth = tenth;
      this.lastDraw = now;
      const count = e.total > 0 ? ` ${e.step}/${e.total} (${Math.round((100 * Math.min(e.step, e.total)) / e.total)}%)` : '';
      this.out.write(`${name.trimEnd()}${count}${e.total > 0 && e.step > 0 ? eta(e.etaMs) : ''}\n`);
      return;
    }
    if (!newPhase && now - this.lastDraw < 80 && e.step !== e.total) return;
    if (newPhase && this.lastPhase) this.out.write('\n');
    this.lastPhase = e.phase;
    this.lastDraw = now;
    const width = 30;
    const frac = e.total > 0 ? Math.min(1, e.step / e.total) : 0;
    const full = Math.round(frac * width);
    this.out.write(`\r${name} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${e.step}/${e.total}${eta(e.etaMs)}\x1b[K`);
  }

  end(): void {
    if (this.tty && this.lastPhase) this.out.write('\n');
    this.lastPhase = '';
    this.lastTenth = -1;
  }
}
