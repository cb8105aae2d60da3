/**
 * Whether progress may redraw one line in place: only when both stdout and stderr are a terminal.
 * Piped or logged (`glimmer generate > log 2>&1`, CI), progress is plain lines a log keeps.
 */
export function redrawsInPlace(): boolean {
  return Boolean(process.stdout.isTTY && process.stderr.isTTY);
}
