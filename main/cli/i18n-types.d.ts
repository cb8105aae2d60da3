/** The CLI's message keys are type-checked against its English messages. */
import 'i18next';
import type { cliEn } from './locales/en';

declare module 'i18next' {
  interface ResourceNamespaceMap {
    cli: typeof cliEn;
  }
}
