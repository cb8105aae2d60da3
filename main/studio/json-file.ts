/**
 * The studio's small JSON files in the data folder (settings.json, workspace.json, servers.json): read
 * against their schema; a missing file is the fallback, and a damaged one (not JSON, or not what the
 * schema takes) is set aside as <name>.bad, said in the log, and the fallback is used. Writes go
 * through native-models/atomic-write.ts.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

export function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  fallback: () => z.infer<S>,
  log: (message: string) => void,
  /** What the fallback means, for the log: "using defaults", "starting with no servers". */
  fallbackWords: string,
): z.infer<S> {
  if (!existsSync(file)) return fallback();
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return parsed.data;
  } catch (err) {
    const name = path.basename(file);
    log(`[${name.replace(/\.json$/, '')}] ${file} is damaged (${(err as Error).message}); ${fallbackWords} and keeping it as ${name}.bad`);
    try {
      renameSync(file, `${file}.bad`);
    } catch {
      // leave it where it is
    }
    return fallback();
  }
}
