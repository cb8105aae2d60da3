/**
 * The gallery's bulk actions on the chosen images, each with its undo (from the message line): the
 * images' previous values, grouped, put back. Export has no undo (it only writes a new folder).
 */
import type { GenerationSummary } from '../library/client';
import { library } from '../library/client';
import { notify } from '../app/notify';
import { t } from '../i18n';

type Item = Pick<GenerationSummary, 'id' | 'favourite' | 'rating' | 'tags' | 'projectId'>;

function groupBy<K>(items: readonly Item[], key: (i: Item) => K): Map<K, string[]> {
  const out = new Map<K, string[]>();
  for (const i of items) {
    const k = key(i);
    out.set(k, [...(out.get(k) ?? []), i.id]);
  }
  return out;
}

function offerUndo(message: string, undo: () => Promise<unknown>): void {
  notify(message, {
    action: {
      label: t('common.undo'),
      testId: 'undo',
      run: async () => {
        try {
          await undo();
          notify(t('gallery.bulk.undone'));
        } catch (err) {
          notify((err as Error).message, { severity: 'error' });
        }
      },
    },
  });
}

export async function setFavourite(items: readonly Item[], favourite: boolean): Promise<void> {
  const ids = items.map((i) => i.id);
  await library.updateMany(ids, { favourite });
  offerUndo(t(favourite ? 'gallery.bulk.favourited' : 'gallery.bulk.unfavourited', { count: ids.length }), async () => {
    for (const [was, group] of groupBy(items, (i) => i.favourite)) await library.updateMany(group, { favourite: was });
  });
}

export async function setRating(items: readonly Item[], rating: number): Promise<void> {
  await library.updateMany(
    items.map((i) => i.id),
    { rating },
  );
  offerUndo(t('gallery.bulk.rated', { count: items.length, rating }), async () => {
    for (const [was, group] of groupBy(items, (i) => i.rating)) await library.updateMany(group, { rating: was });
  });
}

export async function addTag(items: readonly Item[], tag: string): Promise<void> {
  const lower = tag.toLowerCase();
  const had = items.filter((i) => i.tags.some((x) => x.toLowerCase() === lower)).map((i) => i.id);
  await library.updateMany(
    items.map((i) => i.id),
    { addTags: [tag] },
  );
  const added = items.map((i) => i.id).filter((id) => !had.includes(id));
  offerUndo(t('gallery.bulk.tagged', { count: items.length, tag }), async () => {
    if (added.length > 0) await library.updateMany(added, { removeTags: [tag] });
  });
}

export async function moveTo(items: readonly Item[], projectId: string | null, boardName: string): Promise<void> {
  await library.move(
    items.map((i) => i.id),
    projectId,
  );
  offerUndo(t('gallery.bulk.moved', { count: items.length, board: boardName }), async () => {
    for (const [was, group] of groupBy(items, (i) => i.projectId)) await library.move(group, was);
  });
}

export async function trash(items: readonly Item[]): Promise<void> {
  const ids = items.map((i) => i.id);
  await library.remove(ids);
  offerUndo(t('gallery.bulk.trashed', { count: ids.length }), () => library.restore(ids));
}

export async function restore(items: readonly Item[]): Promise<void> {
  const ids = items.map((i) => i.id);
  await library.restore(ids);
  offerUndo(t('gallery.bulk.restored', { count: ids.length }), () => library.remove(ids));
}
