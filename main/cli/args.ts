/** Argument parsing shared by the commands: node's parseArgs, with errors users can read. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GlimmerError } from '../contract';
import { t } from './i18n';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: false; strict: true }>>['values'] {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new GlimmerError('bad_request', t('args.seeHelp', { message: err instanceof Error ? err.message : String(err), command }));
  }
}

export function parseIntArg(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new GlimmerError('bad_request', t('args.wholeNumber', { name, min, max, value }));
  }
  return n;
}
