/**
 * Text as the full-text index sees it. Chinese and Japanese are written without spaces, and the
 * unicode61 tokenizer would take a whole run of ideographs as one word, so "海报" could not be
 * found inside "一张海报". Each Han, Hiragana and Katakana character is therefore indexed as its own
 * token, and a query word in those scripts becomes the phrase of its characters: a substring match.
 * Changing this function needs a migration that recomputes generations.prompt_search.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_ALL = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

export function searchableText(text: string): string {
  return text.normalize('NFKC').replace(CJK_ALL, ' $& ');
}
