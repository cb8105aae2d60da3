/** `glimmer library rebuild`: a damaged library (database missing, empty or unreadable) rebuilt from its images. */
import { GlimmerError } from '../contract';
import { rebuildLibrary } from '../library';
import { resolvePaths } from '../studio/paths';

const HELP = `Usage: glimmer library rebuild

Rebuilds the library of the data folder (GLIMMER_DATA_DIR, or the default one) from its image store
when its database is missing, empty or unreadable. The damaged database is kept beside it; every
image comes back with the recipe stored in it (projects, tags and ratings do not). A library that
opens is never touched.`;

export async function runLibrary(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    console.log(HELP);
    return sub ? 0 : 2;
  }
  if (sub !== 'rebuild' || rest.length > 0) throw new GlimmerError('bad_request', `Unknown arguments: ${args.join(' ')} (see \`glimmer library --help\`).`);
  const { dataDir } = resolvePaths();
  const report = await rebuildLibrary(dataDir);
  if (report.keptAs) console.log(`The damaged database was kept as ${report.keptAs}`);
  console.log(`Rebuilt the library in ${dataDir}: ${report.images} image(s), ${report.withRecipe} with their recipe.`);
  for (const f of report.failed) console.error(`  not restored: ${f}`);
  return 0;
}
