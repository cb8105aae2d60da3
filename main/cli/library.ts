/** `glimmer library rebuild`: a damaged library (database missing, empty or unreadable) rebuilt from its images. */
import { GlimmerError } from '../contract';
import { rebuildLibrary } from '../library';
import { resolvePaths } from '../studio/paths';
import { t } from './i18n';

export async function runLibrary(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    console.log(t('library.help'));
    return sub ? 0 : 2;
  }
  if (sub !== 'rebuild' || rest.length > 0) throw new GlimmerError('bad_request', t('library.unknownArgs', { args: args.join(' ') }));
  const { dataDir } = resolvePaths();
  const report = await rebuildLibrary(dataDir);
  if (report.keptAs) console.log(t('library.keptAs', { file: report.keptAs }));
  console.log(t('library.rebuilt', { dir: dataDir, count: report.images, withRecipe: report.withRecipe }));
  for (const f of report.failed) console.error(t('library.notRestored', { file: f }));
  return 0;
}
