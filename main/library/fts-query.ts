/**
 * User search text → an FTS5 query that means "all these words" and nothing else. Quotes, AND, OR,
 * NOT, NEAR, *, ^, :, parentheses and column filters typed by a user are plain text: each word is
 * emitted as a quoted string (inner quotes doubled), so FTS5 never sees an operator from the user.
 * The last word is a prefix match, so results follow typing.
 */
const WORD_CHAR = /[\p{L}\p{N}\p{Co}]/u;
const MAX_WORDS = 32;
const MAX_WORD_CHARS = 100;

export function toFtsQuery(text: string): string | undefined {
  const words = text
    .normalize('NFKC')
    .split(/\s+/u)
    .filter((w) => WORD_CHAR.test(w))
    .slice(0, MAX_WORDS)
    .map((w) => w.slice(0, MAX_WORD_CHARS));
  if (words.length === 0) return undefined;
  const endsInSpace = /\s$/u.test(text);
  return words
    .map((w, i) => {
      const quoted = `"${w.replace(/"/g, '""')}"`;
      return i === words.length - 1 && !endsInSpace ? `${quoted}*` : quoted;
    })
    .join(' ');
}
