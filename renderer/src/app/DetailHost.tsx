/**
 * The gallery detail as one drawer for the whole window: opened from a result card, a done queue
 * row, the gallery grid or a message's Show. Deleting from it is undoable from the message line; going
 * to another screen from it closes it.
 */
import { Drawer } from '@mui/material';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useEvents } from '../api/hooks';
import { GenerationDetail } from '../gallery/GenerationDetail';
import { library, type Generation, type Project } from '../library/client';
import { closeDetail, detailId, openDetail } from './detail';
import { notify } from './notify';

export function DetailHost() {
  const { t } = useTranslation();
  const id = useSyncExternalStore(detailId.subscribe, detailId.get);
  const [projects, setProjects] = useState<Project[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const loadSide = useCallback(() => {
    library.projects().then(setProjects).catch(() => undefined);
    library.tags().then((x) => setTags(x.map((tag) => tag.name))).catch(() => undefined);
  }, []);
  useEffect(() => {
    if (id !== null) loadSide();
  }, [id, loadSide]);
  useEvents(['library.changed'], loadSide);
  // an action that takes the user to another screen (edit on canvas, use these settings) closes it
  useEffect(() => {
    window.addEventListener('hashchange', closeDetail);
    return () => window.removeEventListener('hashchange', closeDetail);
  }, []);

  const onDeleted = (g: Generation) => {
    closeDetail();
    notify(t('gallery.movedToTrash'), {
      action: {
        label: t('common.undo'),
        testId: 'undo-delete',
        run: async () => {
          await library.restore([g.id]);
          notify(t('gallery.restored'));
          openDetail(g.id);
        },
      },
    });
  };

  return (
    <Drawer
      anchor="right"
      open={id !== null}
      onClose={closeDetail}
      sx={{ zIndex: (th) => th.zIndex.modal }}
      slotProps={{ paper: { sx: { width: 460, maxWidth: '100vw', p: 2 }, 'data-testid': 'detail-drawer' } as object }}
    >
      {id !== null && (
        <GenerationDetail
          id={id}
          projects={projects}
          tagOptions={tags}
          onClose={closeDetail}
          onOpen={openDetail}
          onDeleted={onDeleted}
          onRestored={() => notify(t('gallery.restored'))}
          onChanged={loadSide}
          notify={(message) => notify(message)}
        />
      )}
    </Drawer>
  );
}
