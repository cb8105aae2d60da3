/**
 * What the UI says about servers and what a target cannot take: one place for these words, in the
 * current language (messages servers.kind.* and servers.limit.*). Components that show them re-render
 * on a language change through their own useTranslation.
 */
import { type ServerKind, TargetLimit } from '../../../main/contract';
import { t } from '../i18n';

export const kindLabel = (kind: ServerKind): string => t(`servers.kind.${kind}.label`);
export const kindHelp = (kind: ServerKind): string => t(`servers.kind.${kind}.help`);

/** What a target cannot take, said before the job is sent (mask and priorTokens refuse the job); `name` is the target's. */
export const limitText = (limit: TargetLimit, name: string): string => t(`servers.limit.${limit}`, { name });

/** Whether a value read back from a recipe is a limit this studio knows. */
export const isTargetLimit = (value: unknown): value is TargetLimit => TargetLimit.safeParse(value).success;
