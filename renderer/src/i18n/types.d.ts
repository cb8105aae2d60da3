/** Message keys of the studio's namespace are type-checked against the English messages. */
import 'i18next';
import type { en } from './locales/en';

declare module 'i18next' {
  interface ResourceNamespaceMap {
    studio: typeof en;
  }
  interface CustomTypeOptions {
    defaultNS: 'studio';
    returnNull: false;
  }
}
