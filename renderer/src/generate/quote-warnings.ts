/** The prompt editor's warning for quote marks without a partner (the one quote rule, main/contract/quotes.ts). */
import { unbalancedQuotes } from '../../../main/contract';
import { TEXT_CHECK_STRINGS as S } from '../text-check/strings';

/** One sentence per unbalanced mark (at most three), or [] when every quote is closed. */
export function quoteWarnings(prompt: string): string[] {
  return unbalancedQuotes(prompt)
    .slice(0, 3)
    .map((u) => S.unbalanced(u.mark, u.index, u.missing));
}
