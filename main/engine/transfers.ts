/**
 * The transfer counter: bytes of host tensors given to each onnxruntime run() ("sent") and of host
 * tensors it gave back ("read"), per module and per phase. On a GPU provider these are the bytes
 * that cross between host and device memory (a 'gpu-buffer' tensor, kept on the device, counts
 * nothing); on the CPU provider they are the bytes that cross the JavaScript boundary. One meter per
 * engine thread: the pipeline names the phase, sessions name their module (SessionOptions.module).
 */
import type * as ort from 'onnxruntime-node';

export interface TransferCount {
  /** Bytes of host tensors fed to run(). */
  sent: number;
  /** Bytes of host tensors run() returned. */
  read: number;
  runs: number;
}

export interface TransferReport {
  /** Per module over the whole count. */
  modules: Record<string, TransferCount>;
  /** Per phase, per module. */
  phases: Record<string, Record<string, TransferCount>>;
}

const zero = (): TransferCount => ({ sent: 0, read: 0, runs: 0 });

function add(to: TransferCount, c: TransferCount): void {
  to.sent += c.sent;
  to.read += c.read;
  to.runs += c.runs;
}

/** Host bytes of a tensor ('gpu-buffer' and other device locations: 0). */
export function hostBytes(value: unknown): number {
  const t = value as ort.Tensor | null | undefined;
  if (!t || typeof t !== 'object' || !('location' in t)) return 0;
  if (t.location !== 'cpu' && t.location !== 'cpu-pinned') return 0;
  const data = t.data as unknown;
  return ArrayBuffer.isView(data) ? data.byteLength : 0;
}

export class TransferMeter {
  private phaseName = 'other';
  private readonly counts = new Map<string, Map<string, TransferCount>>();
  /** The last run()'s count, for per-call checks (a token of the AR loop). */
  last: TransferCount & { module: string } = { ...zero(), module: '' };

  get phase(): string {
    return this.phaseName;
  }

  /** Runs from now on are counted under this phase. */
  setPhase(phase: string): void {
    this.phaseName = phase;
  }

  record(module: string, sent: number, read: number): void {
    let byModule = this.counts.get(this.phaseName);
    if (!byModule) this.counts.set(this.phaseName, (byModule = new Map()));
    let c = byModule.get(module);
    if (!c) byModule.set(module, (c = zero()));
    add(c, { sent, read, runs: 1 });
    this.last = { sent, read, runs: 1, module };
  }

  report(): TransferReport {
    const modules: Record<string, TransferCount> = {};
    const phases: Record<string, Record<string, TransferCount>> = {};
    for (const [phase, byModule] of this.counts) {
      phases[phase] = {};
      for (const [module, c] of byModule) {
        phases[phase][module] = { ...c };
        add((modules[module] ??= zero()), c);
      }
    }
    return { modules, phases };
  }

  reset(): void {
    this.counts.clear();
    this.phaseName = 'other';
    this.last = { ...zero(), module: '' };
  }
}

/** This thread's meter (the engine runs in one worker thread; tests and benches read it directly). */
export const transfers = new TransferMeter();

/** Wraps session.run so every call is counted under `module` on the thread's meter. */
export function countedRun(session: ort.InferenceSession, module: string): ort.InferenceSession {
  const run = session.run.bind(session) as (...args: unknown[]) => Promise<ort.InferenceSession.ReturnType>;
  session.run = (async (...args: unknown[]) => {
    const feeds = (args[0] ?? {}) as Record<string, unknown>;
    let sent = 0;
    for (const v of Object.values(feeds)) sent += hostBytes(v);
    const out = await run(...args);
    let read = 0;
    for (const v of Object.values(out)) read += hostBytes(v);
    transfers.record(module, sent, read);
    return out;
  }) as ort.InferenceSession['run'];
  return session;
}

/**
 * Flat timings entries of a report: `bytesSent.<module>`, `bytesRead.<module>` and per phase
 * `bytesSent.<phase>.<module>` (what the recipe's and the library's timings hold).
 */
export function transferTimings(r: TransferReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [module, c] of Object.entries(r.modules)) {
    out[`bytesSent.${module}`] = c.sent;
    out[`bytesRead.${module}`] = c.read;
    out[`runs.${module}`] = c.runs;
  }
  for (const [phase, byModule] of Object.entries(r.phases)) {
    for (const [module, c] of Object.entries(byModule)) {
      out[`bytesSent.${phase}.${module}`] = c.sent;
      out[`bytesRead.${phase}.${module}`] = c.read;
    }
  }
  return out;
}
