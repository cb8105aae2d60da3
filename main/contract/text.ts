/**
 * Plain text fields of requests: names, tags and local paths never hold control characters (C0,
 * DEL, C1: NUL, escapes, newlines, tabs). A NUL would fail deep in SQLite or the file system, an
 * escape would reach a terminal; refusing them in the schema gives the caller a bad_request naming
 * the field instead.
 */
import { z } from 'zod';

const NO_CONTROLS = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const NO_CONTROLS_MESSAGE = 'must not contain control characters';

/** A name or tag of min..max characters, without control characters. */
export function plainText(min: number, max: number) {
  return z.string().min(min).max(max).regex(NO_CONTROLS, NO_CONTROLS_MESSAGE);
}

/** A local file or folder path (as the user's system spells it), without control characters. */
export const localPath = plainText(1, 4096);
