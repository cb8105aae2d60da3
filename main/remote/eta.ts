/**
 * The ETA of a job on an OpenAI-style server, which says nothing until the image is done: from that
 * server's past jobs, as milliseconds per megapixel-step (a job's work grows with its pixels and
 * its steps), the median of the last few. An estimate, and shown as one; null before the first job.
 */
export const ETA_SAMPLES = 20;

/** A job's size in megapixel-steps. */
export function jobUnits(width: number, height: number, steps: number): number {
  return ((width * height) / 1e6) * Math.max(1, steps);
}

export class EtaHistory {
  private readonly samples = new Map<string, number[]>();

  constructor(initial: Record<string, number[]> = {}) {
    for (const [id, list] of Object.entries(initial)) {
      const clean = list.filter((v) => Number.isFinite(v) && v > 0).slice(-ETA_SAMPLES);
      if (clean.length > 0) this.samples.set(id, clean);
    }
  }

  record(serverId: string, ms: number, units: number): void {
    if (!(ms > 0) || !(units > 0)) return;
    const list = this.samples.get(serverId) ?? [];
    list.push(ms / units);
    this.samples.set(serverId, list.slice(-ETA_SAMPLES));
  }

  /** Estimated time (ms) of a job of `units` on this server, or null without a past job. */
  estimate(serverId: string, units: number): number | null {
    const list = this.samples.get(serverId);
    if (!list || list.length === 0) return null;
    const sorted = [...list].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return Math.round(median * units);
  }

  count(serverId: string): number {
    return this.samples.get(serverId)?.length ?? 0;
  }

  forget(serverId: string): void {
    this.samples.delete(serverId);
  }

  toJSON(): Record<string, number[]> {
    return Object.fromEntries(this.samples);
  }
}
