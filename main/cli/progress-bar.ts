/** The CLI's progress display: a streamer of the engine. A bar redrawn in place on a terminal; one line per phase otherwise. */
import type { PipelineEvent, PipelineStreamer } from '../engine/pipeline';

const LABELS: Record<string, string> = {
  load: 'loading',
  tokenize: 'tokenizing',
  ar: 'AR tokens',
  glyph: 'glyph text',
  dit: 'denoising',
  vae: 'VAE',
  check: 'text check',
  save: 'saving',
};

function eta(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.round(ms / 1000);
  return s >= 60 ? ` ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : ` ETA ${s}s`;
}

export class ProgressBar implements PipelineStreamer {
  private lastPhase = '';
  private lastDraw = 0;
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly tty = Boolean(process.stderr.isTTY),
  ) {}

  put(e: PipelineEvent): void {
    const label = (LABELS[e.phase] ?? e.phase).padEnd(10);
    if (!this.tty) {
      if (e.phase !== this.lastPhase) this.out.write(`${label}\n`);
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
    this.out.write(`\r${label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${e.step}/${e.total}${eta(e.etaMs)}\x1b[K`);
  }

  end(): void {
    if (this.tty && this.lastPhase) this.out.write('\n');
    this.lastPhase = '';
  }
}
