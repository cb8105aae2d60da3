/**
 * The text check as the engine runs it: one reader kept loaded on the engine's provider (loaded at the
 * first check, loaded again when the provider or the memory profile changes, released with the
 * engine's sessions), an image read, its lines scored against the strings to look for, and the result
 * as the contract's TextCheck. A provider that cannot start the reader's sessions falls back to the CPU
 * with the reason kept, as the engine's modules do.
 */
import { errorCode, type ProviderName, type TextCheck } from '../../contract';
import type { OcrImage } from './image-input';
import { OcrReader } from './reader';
import { scoreTextCheck } from './score';

export interface TextCheckerSetup {
  provider: ProviderName;
  /** The engine's "sequential" memory profile: sessions without arena and memory pattern. */
  lowMemory: boolean;
}

export interface TextCheckerOptions {
  log?: (message: string) => void;
  /** Load the reader (default OcrReader.load; tests may count loads). */
  load?: (setup: TextCheckerSetup) => Promise<OcrReader>;
}

export class TextChecker {
  private reader: { key: string; provider: ProviderName; reader: Promise<OcrReader> } | null = null;
  /** Reads in progress: release() waits for them (a session is never released under a run). */
  private readonly reading = new Set<Promise<unknown>>();
  /** Why the reader runs on the CPU rather than the engine's provider (null when it does not). */
  fallback: string | null = null;

  constructor(private readonly opts: TextCheckerOptions = {}) {}

  private async readerFor(setup: TextCheckerSetup): Promise<{ reader: OcrReader; provider: ProviderName }> {
    const key = `${setup.provider}/${setup.lowMemory ? 'low' : 'default'}`;
    if (this.reader?.key !== key) {
      await this.release();
      const load = this.opts.load ?? ((s: TextCheckerSetup) => OcrReader.load({ provider: s.provider, lowMemory: s.lowMemory }));
      const entry = { key, provider: setup.provider, reader: this.loadWithFallback(setup, load, (p) => (entry.provider = p)) };
      this.reader = entry;
      entry.reader.catch(() => {
        if (this.reader === entry) this.reader = null;
      });
    }
    const entry = this.reader!;
    const reader = await entry.reader;
    return { reader, provider: entry.provider };
  }

  private async loadWithFallback(setup: TextCheckerSetup, load: (s: TextCheckerSetup) => Promise<OcrReader>, onProvider: (p: ProviderName) => void): Promise<OcrReader> {
    this.fallback = null;
    try {
      return await load(setup);
    } catch (err) {
      const code = errorCode(err);
      if (setup.provider === 'cpu' || code === 'model_missing' || code === 'model_corrupt' || code === 'out_of_memory') throw err;
      const why = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : String(err);
      this.fallback = `${setup.provider} could not run the text reader (${why}); using cpu`;
      this.opts.log?.(`[text check] ${this.fallback}`);
      onProvider('cpu');
      return load({ ...setup, provider: 'cpu' });
    }
  }

  /** Read `image` and score `texts` (the prompt's quoted strings) against what it says. */
  async check(image: OcrImage, texts: readonly string[], setup: TextCheckerSetup, signal?: AbortSignal): Promise<TextCheck> {
    const t0 = performance.now();
    const { reader, provider } = await this.readerFor(setup);
    const reading = reader.read(image, { signal });
    const settled = reading.catch(() => undefined);
    this.reading.add(settled);
    const read = await reading.finally(() => this.reading.delete(settled));
    const result = scoreTextCheck(texts, read.lines);
    return {
      ...result,
      lines: read.lines.map((l) => ({ text: l.text, confidence: l.confidence, box: l.box })),
      width: read.width,
      height: read.height,
      truncated: read.truncated,
      provider,
      ms: Math.round(performance.now() - t0),
      checkedAt: Date.now(),
    };
  }

  /** Whether a reader is loaded (or loading). */
  get loaded(): boolean {
    return this.reader !== null;
  }

  /** Frees the reader's sessions, after the reads in progress end (a cancelled read ends at its next model run). */
  async release(): Promise<void> {
    const entry = this.reader;
    this.reader = null;
    if (!entry) return;
    await Promise.all([...this.reading]);
    const reader = await entry.reader.catch(() => null);
    await reader?.release();
  }
}
