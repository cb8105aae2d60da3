/** The size a canvas job asks for: the region itself when the model takes it, otherwise the nearest size it takes. */
import { isStudioSide } from '../../../main/contract';
import { sizeLike } from '../generate/sizes';

/** Largest output area a canvas job asks for without the user choosing more (about 1024²). */
const MAX_SIDE = 1024;

export interface OutputSize {
  width: number;
  height: number;
  /** True when the region is resized to be sent (the UI says so). */
  scaled: boolean;
}

export function outputSize(width: number, height: number): OutputSize {
  if (isStudioSide(width) && isStudioSide(height) && width * height <= MAX_SIDE * MAX_SIDE) return { width, height, scaled: false };
  return { ...sizeLike(width, height, MAX_SIDE), scaled: true };
}
