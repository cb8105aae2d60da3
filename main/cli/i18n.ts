/**
 * The CLI's messages in English and Simplified Chinese, on the same library as the studio (i18next).
 * The language: GLIMMER_LANG, else the POSIX locale (LC_ALL, LC_MESSAGES, LANG), by the contract's
 * one rule. Messages of the lower layers (a checkpoint report, an engine error) stay as they come.
 */
import { createInstance, type TFunction } from 'i18next';
import { formatBytes, formatDuration, pickLanguage, type UiLanguage } from '../contract';
import { cliEn } from './locales/en';
import { cliZhCN } from './locales/zh-CN';

export function cliLanguage(env: NodeJS.ProcessEnv = process.env): UiLanguage {
  return pickLanguage([env.GLIMMER_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG]);
}

const instance = createInstance();
void instance.init({
  resources: { en: { cli: cliEn }, 'zh-CN': { cli: cliZhCN } },
  lng: cliLanguage(),
  fallbackLng: 'en',
  ns: ['cli'],
  defaultNS: 'cli',
  initAsync: false,
  returnNull: false,
  // a terminal, not HTML: nothing to escape
  interpolation: { escapeValue: false },
});

/** The CLI's message function (its language chosen once, at start). */
export const t: TFunction<'cli'> = instance.getFixedT(null, 'cli');

/** Sizes and durations in the CLI's language. */
export const bytes = (n: number): string => formatBytes(n, instance.language);
export const duration = (seconds: number): string => formatDuration(seconds, instance.language);
