/** Download speed over a sliding window, and the ETA it implies. */
export class SpeedMeter {
  private samples: { t: number; bytes: number }[] = [];
  constructor(
    private readonly windowMs = 5000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  add(bytes: number): void {
    const t = this.now();
    const last = this.samples[this.samples.length - 1];
    // Chunks within 100 ms share a sample (a fast link delivers thousands of chunks a second).
    if (last && this.samples.length > 1 && t - last.t < 100) last.bytes += bytes;
    else this.samples.push({ t, bytes });
    const cutoff = t - this.windowMs;
    while (this.samples.length > 1 && this.samples[0]!.t < cutoff) this.samples.shift();
  }

  /** Bytes per second over the window; 0 until two samples apart in time exist. */
  bytesPerSecond(): number {
    if (this.samples.length < 2) return 0;
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const dt = (last.t - first.t) / 1000;
    if (dt <= 0) return 0;
    let bytes = 0;
    for (let i = 1; i < this.samples.length; i++) bytes += this.samples[i]!.bytes;
    return bytes / dt;
  }

  /** Seconds left for `remaining` bytes at the current speed; null while the speed is unknown. */
  etaSeconds(remaining: number): number | null {
    if (remaining <= 0) return 0;
    const speed = this.bytesPerSecond();
    return speed > 0 ? remaining / speed : null;
  }
}
