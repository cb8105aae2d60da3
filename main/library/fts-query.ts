/**
 * User search text → an FTS5 query that means "all these words" and nothing else. Quotes, AND, OR,
 * NOT, NEAR, *, ^, :, parentheses and column filters typed by a user are plain text: each word is
 * emitted as a quoted string (inner quotes doubled), so FTS5 never sees an operator from the user.
 * The last word is a prefix match, so results follow typing. Words in Chinese or Japanese script
 * match anywhere inside a prompt (see search-text.ts).
 */
import { hasCjk, searchableText } from './search-text';

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
  const quote = (w: string, prefix: boolean) => `"${w.replace(/"/g, '""')}"${prefix ? '*' : ''}`;
  return words
    .map((w, i) => {
      const prefix = i === words.length - 1 && !endsInSpace;
      // Ideographs are indexed one per token in prompts (search-text.ts) but whole in tags: match either.
      return hasCjk(w) ? `(${quote(searchableText(w).replace(/\s+/g, " ").trim(), prefix)} OR ${quote(w, prefix)})` : quote(w, prefix);
    })
    .join(' AND '); // explicit: FTS5 has no implicit AND next to a parenthesised group
}
