/** The prompt editor's warning for quote marks without a partner (the one quote rule, main/contract/quotes.ts). */
import { unbalancedQuotes } from '../../../main/contract';
import { fmt, t } from '../i18n';

/** One sentence per unbalanced mark (at most three), or [] when every quote is closed. */
export function quoteWarnings(prompt: string): string[] {
  return unbalancedQuotes(prompt)
    .slice(0, 3)
    .map((u) => t(u.missing === 'close' ? 'textCheck.unbalancedClose' : 'textCheck.unbalancedOpen', { mark: u.mark, at: fmt.number(u.index + 1) }));
}
