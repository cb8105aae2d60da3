/** The CLI's model arguments (--model, --checkpoint, --id): a name or id from `glimmer models list`, or a folder. */
import { GlimmerError } from '../contract';
import { resolveModel, type ModelEntry } from '../models';
import { t } from './i18n';

/** The folder `query` names; a clear error (in the CLI's language) when it names nothing or several models. */
export async function modelArg(query: string, modelsDir: string, prefer?: ModelEntry['kind']): Promise<{ path: string; entry: ModelEntry | null }> {
  const found = await resolveModel(query, { modelsDir, ...(prefer ? { prefer } : {}) });
  switch (found.kind) {
    case 'model':
    case 'folder':
      return { path: found.path, entry: found.entry };
    case 'ambiguous':
      throw new GlimmerError('bad_request', t('models.ambiguous', { name: query, count: found.entries.length, ids: found.entries.map((e) => e.id).join(', ') }));
    case 'not-found':
      throw new GlimmerError('not_found', t('models.notFound', { name: query }));
  }
}
