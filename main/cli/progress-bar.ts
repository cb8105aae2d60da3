/** The CLI's progress display: a streamer of the engine. A bar redrawn in place on a terminal; one line per phase otherwise. */
import type { PipelineEvent, PipelineStreamer } from '../engine/pipeline';
import { duration, t } from './i18n';

function label(phase: string): string {
  return t(`progress.phase.${phase as 'load'}`, { defaultValue: phase });
}

function eta(ms: number | null): string {
  return ms === null ? '' : ` ${t('progress.eta', { duration: duration(ms / 1000) })}`;
}

export class ProgressBar implements PipelineStreamer {
  private lastPhase = '';
  private lastDraw = 0;
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly tty = Boolean(process.stderr.isTTY),
  ) {}

  put(e: PipelineEvent): void {
    const name = label(e.phase).padEnd(10);
    if (!this.tty) {
      if (e.phase !== this.lastPhase) this.out.write(`${name}\n`);
      this.lastPhase = e.phase;
      return;
    }
    const now = Date.now();
    if (e.phase === this.lastPhase && now - this.lastDraw < 80 && e.step !== e.total) return;
    if (e.phase !== this.lastPhase && this.lastPhase) this.out.write('\n');
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
  }
}
