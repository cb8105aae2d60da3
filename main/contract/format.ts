/**
 * Sizes and durations as users read them, in messages of every layer and on every screen. Each takes
 * the locale to write numbers in (default English, as messages of the lower layers are written);
 * the units are words of that language.
 */
import { type UiLanguage } from './language';

const UNIT_WORDS: Record<UiLanguage, { bytes: string; s: string; min: string; h: string; sep: string }> = {
  en: { bytes: 'bytes', s: 's', min: 'min', h: 'h', sep: ' ' },
  'zh-CN': { bytes: '字节', s: '秒', min: '分', h: '小时', sep: ' ' },
};

function words(locale: string | undefined): (typeof UNIT_WORDS)[UiLanguage] {
  return locale?.toLowerCase().startsWith('zh') ? UNIT_WORDS['zh-CN'] : UNIT_WORDS.en;
}

function oneDecimal(n: number, locale: string | undefined): string {
  return locale ? new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n) : n.toFixed(1);
}

function whole(n: number, locale: string | undefined): string {
  return locale ? new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n) : String(n);
}

/** Bytes in decimal units: 1.2 GB, 340.0 MB, 12.5 kB, 512 bytes. */
export function formatBytes(n: number, locale?: string): string {
  if (n >= 1e9) return `${oneDecimal(n / 1e9, locale)} GB`;
  if (n >= 1e6) return `${oneDecimal(n / 1e6, locale)} MB`;
  if (n >= 1e3) return `${oneDecimal(n / 1e3, locale)} kB`;
  return `${whole(n, locale)} ${words(locale).bytes}`;
}

/** Seconds as 45 s, 3 min 20 s, 1 h 5 min (zh-CN: 45 秒, 3 分 20 秒, 1 小时 5 分). */
export function formatDuration(seconds: number, locale?: string): string {
  const w = words(locale);
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${whole(s, locale)} ${w.s}`;
  if (s < 3600) return `${whole(Math.floor(s / 60), locale)} ${w.min} ${whole(s % 60, locale)} ${w.s}`;
  return `${whole(Math.floor(s / 3600), locale)} ${w.h} ${whole(Math.floor((s % 3600) / 60), locale)} ${w.min}`;
}
