/**
 * The gallery's boards: all images, each board (rename, export, delete: its images go to the trash
 * with it, undoable), images on no board, the trash. Thumbnails dropped on a board move there.
 */
import AddIcon from '@mui/icons-material/Add';
import MoreVertIcon from '@mui/icons-material/MoreVert';
import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, List, ListItemButton, ListItemText, ListSubheader, Menu, MenuItem, TextField } from '@mui/material';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { notify } from '../app/notify';
import { library, type Project } from '../library/client';
import { DRAG_IDS } from './GalleryGrid';

/** undefined: all boards; null: images on no board; 'trash': the trash. */
export type BoardView = string | null | undefined | 'trash';

export interface BoardListProps {
  projects: Project[];
  view: BoardView;
  onShow(view: BoardView): void;
  /** Thumbnails (ids) dropped on a board (null: on no board). */
  onDropIds(ids: string[], projectId: string | null, name: string): void;
  onExport(project: Project): void;
  onChanged(): void;
}

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

function DropTarget({ children, onDrop }: { children: ReactNode; onDrop(ids: string[]): void }) {
  const [over, setOver] = useState(false);
  return (
    <Box
      onDragOver={(e: React.DragEvent) => {
        if (![...e.dataTransfer.types].includes(DRAG_IDS)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e: React.DragEvent) => {
        setOver(false);
        const raw = e.dataTransfer.getData(DRAG_IDS);
        if (!raw) return;
        e.preventDefault();
        try {
          const ids = (JSON.parse(raw) as unknown[]).filter((x): x is string => typeof x === 'string');
          if (ids.length > 0) onDrop(ids);
        } catch {
          // not ours
        }
      }}
      sx={{ outline: over ? '2px dashed' : 'none', outlineColor: 'primary.main', outlineOffset: -2, borderRadius: 1 }}
    >
      {children}
    </Box>
  );
}

export function BoardList({ projects, view, onShow, onDropIds, onExport, onChanged }: BoardListProps) {
  const { t } = useTranslation();
  const [newBoard, setNewBoard] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ anchor: HTMLElement; project: Project } | null>(null);
  const [renaming, setRenaming] = useState<{ project: Project; name: string } | null>(null);

  const create = async (name: string) => {
    try {
      const p = await library.createProject(name);
      setNewBoard(null);
      onChanged();
      onShow(p.id);
    } catch (e) {
      notify(errorText(e), { severity: 'error' });
    }
  };
  const rename = async (project: Project, name: string) => {
    try {
      await library.renameProject(project.id, name);
      onChanged();
      notify(t('gallery.board.renamed', { name }), {
        action: { label: t('common.undo'), testId: 'undo', run: () => library.renameProject(project.id, project.name).then(onChanged) },
      });
    } catch (e) {
      notify(errorText(e), { severity: 'error' });
    }
  };
  const remove = async (project: Project) => {
    try {
      await library.deleteProject(project.id);
      if (view === project.id) onShow(undefined);
      onChanged();
      notify(t('gallery.board.deleted', { name: project.name, count: project.generationCount }), {
        action: { label: t('common.undo'), testId: 'undo', run: () => library.restoreProject(project.id).then(onChanged) },
      });
    } catch (e) {
      notify(errorText(e), { severity: 'error' });
    }
  };

  return (
    <Box component="nav" aria-label={t('gallery.boards')} sx={{ borderRight: 1, borderColor: 'divider', overflowY: 'auto', overflowX: 'hidden', minWidth: 0 }}>
      <List dense subheader={<ListSubheader>{t('gallery.boards')}</ListSubheader>}>
        <ListItemButton selected={view === undefined} onClick={() => onShow(undefined)}>
          <ListItemText primary={t('gallery.allImages')} />
        </ListItemButton>
        {projects.map((p) => (
          <DropTarget key={p.id} onDrop={(ids) => onDropIds(ids, p.id, p.name)}>
            <Box sx={{ position: 'relative' }}>
            <ListItemButton selected={view === p.id} onClick={() => onShow(p.id)} data-testid="board" data-board-id={p.id} sx={{ pr: 5 }}>
              <ListItemText
                primary={p.name}
                secondary={t('gallery.imageCount', { count: p.generationCount })}
                slotProps={{ primary: { noWrap: true, title: p.name } }}
                sx={{ minWidth: 0 }}
              />
            </ListItemButton>
            <IconButton
              size="small"
              aria-label={t('gallery.board.menu', { name: p.name })}
              onClick={(e) => setMenu({ anchor: e.currentTarget, project: p })}
              data-testid="board-menu"
              sx={{ position: 'absolute', right: 4, top: '50%', transform: 'translateY(-50%)' }}
            >
              <MoreVertIcon fontSize="small" />
            </IconButton>
            </Box>
          </DropTarget>
        ))}
        <DropTarget onDrop={(ids) => onDropIds(ids, null, t('gallery.notOnBoard'))}>
          <ListItemButton selected={view === null} onClick={() => onShow(null)}>
            <ListItemText primary={t('gallery.notOnBoard')} />
          </ListItemButton>
        </DropTarget>
        <ListItemButton selected={view === 'trash'} onClick={() => onShow('trash')} data-testid="trash-board">
          <ListItemText primary={t('gallery.trash')} secondary={t('gallery.trashHelp')} />
        </ListItemButton>
      </List>
      <Box sx={{ px: 2, pb: 2 }}>
        {newBoard === null ? (
          <Button size="small" startIcon={<AddIcon />} onClick={() => setNewBoard('')}>
            {t('gallery.newBoard')}
          </Button>
        ) : (
          <TextField
            size="small"
            autoFocus
            fullWidth
            label={t('gallery.boardName')}
            value={newBoard}
            onChange={(e) => setNewBoard(e.target.value.slice(0, 200))}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && newBoard.trim()) void create(newBoard.trim());
              if (e.key === 'Escape') setNewBoard(null);
            }}
            onBlur={() => !newBoard.trim() && setNewBoard(null)}
          />
        )}
      </Box>
      <Menu anchorEl={menu?.anchor} open={menu !== null} onClose={() => setMenu(null)}>
        <MenuItem
          data-testid="board-rename"
          onClick={() => {
            setRenaming({ project: menu!.project, name: menu!.project.name });
            setMenu(null);
          }}
        >
          {t('gallery.board.rename')}
        </MenuItem>
        <MenuItem
          onClick={() => {
            onExport(menu!.project);
            setMenu(null);
          }}
        >
          {t('gallery.exportBoard')}
        </MenuItem>
        <MenuItem
          data-testid="board-delete"
          onClick={() => {
            void remove(menu!.project);
            setMenu(null);
          }}
          sx={{ color: 'error.main' }}
        >
          {t('gallery.board.delete')}
        </MenuItem>
      </Menu>
      <Dialog open={renaming !== null} onClose={() => setRenaming(null)} aria-labelledby="rename-title">
        <DialogTitle id="rename-title">{t('gallery.board.renameTitle')}</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            label={t('gallery.boardName')}
            value={renaming?.name ?? ''}
            onChange={(e) => renaming && setRenaming({ ...renaming, name: e.target.value.slice(0, 200) })}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && renaming?.name.trim()) {
                void rename(renaming.project, renaming.name.trim());
                setRenaming(null);
              }
            }}
            slotProps={{ htmlInput: { 'data-testid': 'board-rename-input' } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRenaming(null)}>{t('common.cancel')}</Button>
          <Button
            variant="contained"
            disabled={!renaming?.name.trim()}
            data-testid="board-rename-confirm"
            onClick={() => {
              void rename(renaming!.project, renaming!.name.trim());
              setRenaming(null);
            }}
          >
            {t('common.save')}
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
