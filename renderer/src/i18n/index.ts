/**
 * The studio's languages (English, Simplified Chinese) on i18next: one instance for the window, made
 * synchronously with every message bundled (no loading step, so plain modules and tests can call
 * t() at once). The language follows the OS / browser unless Settings names one; numbers, dates,
 * sizes and durations are written per language. Every message key is type-checked against en.ts.
 */
import { createInstance, type TFunction } from 'i18next';
import { formatBytes, formatDuration, resolveLanguage, type Language, type UiLanguage } from '../../../main/contract';
import { en } from './locales/en';
import { zhCN } from './locales/zh-CN';

export const NAMESPACE = 'studio';
export type { Messages } from './locales/en';

/** The browser's / OS's preferred languages (Electron gives the OS's). */
export function preferredLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

export const i18n = createInstance();
void i18n.init({
  resources: { en: { [NAMESPACE]: en }, 'zh-CN': { [NAMESPACE]: zhCN } },
  lng: resolveLanguage('system', preferredLanguages()),
  fallbackLng: 'en',
  supportedLngs: ['en', 'zh-CN'],
  ns: [NAMESPACE],
  defaultNS: NAMESPACE,
  initAsync: false,
  returnNull: false,
  // React escapes what it renders
  interpolation: { escapeValue: false },
});
i18n.services.formatter?.add('bytes', (value: number, lng) => formatBytes(value, lng));
i18n.services.formatter?.add('duration', (value: number, lng) => formatDuration(value, lng));

/** The message function of the current language (for plain modules; components use useT). */
export const t = ((...args: unknown[]) => (i18n.t as unknown as (...a: unknown[]) => string)(...args)) as unknown as TFunction<typeof NAMESPACE>;

export function currentLanguage(): UiLanguage {
  return i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
}

/** Applies a language setting ('system' follows the browser / OS) and marks the page with it. */
export function applyLanguage(setting: Language): UiLanguage {
  const lang = resolveLanguage(setting, preferredLanguages());
  if (i18n.language !== lang) void i18n.changeLanguage(lang);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  return lang;
}

/** Numbers, dates, sizes and durations in the current language. */
export const fmt = {
  number: (n: number, options?: Intl.NumberFormatOptions): string => new Intl.NumberFormat(currentLanguage(), options).format(n),
  dateTime: (ms: number): string => new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms),
  time: (ms: number): string => new Intl.DateTimeFormat(currentLanguage(), { timeStyle: 'medium' }).format(ms),
  bytes: (n: number): string => formatBytes(n, currentLanguage()),
  duration: (seconds: number): string => formatDuration(seconds, currentLanguage()),
  percent: (fraction: number): string => new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 0 }).format(fraction),
};
