/**
 * The languages of the studio and the CLI, and the one rule that picks one from what the OS, the
 * browser or the environment prefers. Plain TypeScript (the renderer and the CLI both use it).
 */
import { z } from 'zod';

/** The languages every message exists in. */
export const UI_LANGUAGES = ['en', 'zh-CN'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/** The language setting: one of them, or 'system' (follow the OS / browser language). */
export const Language = z.enum(['system', ...UI_LANGUAGES]);
export type Language = z.infer<typeof Language>;

/**
 * The first supported language among `preferred` (BCP 47 tags as navigator.languages gives them, or
 * POSIX locales as LANG gives them: zh_CN.UTF-8). Any Chinese maps to Simplified Chinese, the only
 * Chinese we ship; anything else unknown is skipped; English when nothing matches.
 */
export function pickLanguage(preferred: readonly (string | undefined | null)[]): UiLanguage {
  for (const raw of preferred) {
    if (!raw) continue;
    const tag = raw.split(/[.@]/)[0]!.replace(/_/g, '-').toLowerCase();
    if (tag === 'c' || tag === 'posix' || tag === '') continue;
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}

/** The language a setting means here: itself, or for 'system' the pick from `preferred`. */
export function resolveLanguage(setting: Language | undefined, preferred: readonly (string | undefined | null)[]): UiLanguage {
  return setting && setting !== 'system' ? setting : pickLanguage(preferred);
}
