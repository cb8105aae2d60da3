/**
 * Progress of the AR loop: the loop calls put() once per chosen token and end() once; progress
 * bars, IPC events and WebSocket messages are streamers (after transformers.js streamers.js).
 */
import type { GridRole } from './grid-plan';

export interface TokenEvent {
  /** 0-based index of the generated token. */
  step: number;
  /** Tokens this generation will produce in all (grid cells, + 1 when the end step is sampled). */
  total: number;
  token: number;
  /** null at the end step. */
  grid: GridRole | null;
  cell: number;
  row: number;
  col: number;
  forced: boolean;
}

export interface TokenStreamer {
  put(event: TokenEvent): void;
  end(): void;
}

/** Fans one event out to several streamers. */
export class StreamerList implements TokenStreamer {
  constructor(readonly streamers: TokenStreamer[]) {}
  put(event: TokenEvent): void {
    for (const s of this.streamers) s.put(event);
  }
  end(): void {
    for (const s of this.streamers) s.end();
  }
}

/** Calls back with (done, total) per token: the shape progress events need. */
export class ProgressStreamer implements TokenStreamer {
  constructor(private readonly onProgress: (done: number, total: number, event: TokenEvent) => void) {}
  put(event: TokenEvent): void {
    this.onProgress(event.step + 1, event.total, event);
  }
  end(): void {}
}
