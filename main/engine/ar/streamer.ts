/**
 * Progress of the AR loop: the loop calls put() once per chosen token and end() when it stops (done, failed or cancelled); progress
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
