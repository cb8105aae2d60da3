/**
 * Stopping and interruption, asked by the loop between tokens (after transformers.js
 * stopping_criteria.js). A criterion either says "stop" (true) or throws (cancellation).
 */
import { GlimmerError } from '../../contract';

export interface StoppingState {
  /** Generated tokens so far. */
  tokens: readonly number[];
  /** Grid cells still to fill. */
  cellsLeft: number;
}

export interface StoppingCriterion {
  readonly name: string;
  shouldStop(state: StoppingState): boolean;
}

/** Cancellation: throws GlimmerError('cancelled') once the signal is aborted. */
export class AbortCriterion implements StoppingCriterion {
  readonly name = 'abort';
  constructor(readonly signal: AbortSignal) {}
  shouldStop(): boolean {
    if (this.signal.aborted) throw new GlimmerError('cancelled', 'Generation was cancelled.');
    return false;
  }
}

/** Stops when the last token is the end-of-image token. */
export class EndTokenCriterion implements StoppingCriterion {
  readonly name = 'end-token';
  constructor(readonly endTokenId: number) {}
  shouldStop(state: StoppingState): boolean {
    return state.tokens.length > 0 && state.tokens[state.tokens.length - 1] === this.endTokenId;
  }
}

export function checkStop(criteria: readonly StoppingCriterion[], state: StoppingState): boolean {
  let stop = false;
  for (const c of criteria) stop = c.shouldStop(state) || stop;
  return stop;
}
