/**
 * The chosen images' actions: tag, favourite, rate, move to a board, export, delete (in the trash:
 * restore). Each is undoable from the message line (export only writes a new folder).
 */
import DeleteIcon from '@mui/icons-material/Delete';
import DriveFileMoveIcon from '@mui/icons-material/DriveFileMove';
import FavoriteIcon from '@mui/icons-material/Favorite';
import FavoriteBorderIcon from '@mui/icons-material/FavoriteBorder';
import FileDownloadIcon from '@mui/icons-material/FileDownload';
import LocalOfferIcon from '@mui/icons-material/LocalOffer';
import RestoreFromTrashIcon from '@mui/icons-material/RestoreFromTrash';
import StarIcon from '@mui/icons-material/Star';
import { Autocomplete, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Divider, Menu, MenuItem, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { notify } from '../app/notify';
import type { GenerationSummary, Project } from '../library/client';
import { library } from '../library/client';
import { addTag, moveTo, restore, setFavourite, setRating, trash } from './bulk';

export interface BulkBarProps {
  items: GenerationSummary[];
  trash: boolean;
  projects: Project[];
  tags: string[];
  onDone(): void;
  onClear(): void;
  onSelectAll(): void;
  onExport(ids: string[]): void;
}

export function BulkBar({ items, trash: inTrash, projects, tags, onDone, onClear, onSelectAll, onExport }: BulkBarProps) {
  const { t } = useTranslation();
  const [rateAnchor, setRateAnchor] = useState<HTMLElement | null>(null);
  const [moveAnchor, setMoveAnchor] = useState<HTMLElement | null>(null);
  const [tagging, setTagging] = useState<string | null>(null);
  const [newBoard, setNewBoard] = useState<string | null>(null);
  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
      onDone();
    } catch (err) {
      notify(err instanceof ApiError || err instanceof Error ? err.message : String(err), { severity: 'error' });
    }
  };
  const allFavourite = items.every((i) => i.favourite);
  return (
    <Box
      role="toolbar"
      aria-label={t('gallery.bulk.toolbar')}
      data-testid="bulk-bar"
      sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center', px: 1.5, py: 1, borderBottom: 1, borderColor: 'divider', bgcolor: 'action.selected' }}
    >
      <Typography variant="body2" sx={{ fontWeight: 600, mr: 1 }} data-testid="selected-count">
        {t('gallery.bulk.selected', { count: items.length })}
      </Typography>
      {inTrash ? (
        <Button size="small" startIcon={<RestoreFromTrashIcon />} onClick={() => void run(() => restore(items))} data-testid="bulk-restore">
          {t('detail.restore')}
        </Button>
      ) : (
        <>
          <Button size="small" startIcon={<LocalOfferIcon />} onClick={() => setTagging('')} data-testid="bulk-tag">
            {t('gallery.bulk.tag')}
          </Button>
          <Button
            size="small"
            startIcon={allFavourite ? <FavoriteBorderIcon /> : <FavoriteIcon />}
            onClick={() => void run(() => setFavourite(items, !allFavourite))}
            data-testid="bulk-favourite"
          >
            {allFavourite ? t('detail.unfavourite') : t('detail.favourite')}
          </Button>
          <Button size="small" startIcon={<StarIcon />} onClick={(e) => setRateAnchor(e.currentTarget)} data-testid="bulk-rate" aria-haspopup="menu">
            {t('gallery.bulk.rate')}
          </Button>
          <Button size="small" startIcon={<DriveFileMoveIcon />} onClick={(e) => setMoveAnchor(e.currentTarget)} data-testid="bulk-move" aria-haspopup="menu">
            {t('gallery.bulk.move')}
          </Button>
          <Button size="small" startIcon={<FileDownloadIcon />} onClick={() => onExport(items.map((i) => i.id))} data-testid="bulk-export">
            {t('gallery.export')}
          </Button>
          <Button size="small" color="error" startIcon={<DeleteIcon />} onClick={() => void run(() => trash(items))} data-testid="bulk-delete">
            {t('common.delete')}
          </Button>
        </>
      )}
      <Box sx={{ flex: 1 }} />
      <Button size="small" onClick={onSelectAll} data-testid="select-all">
        {t('gallery.bulk.selectAll')}
      </Button>
      <Button size="small" onClick={onClear} data-testid="clear-selection">
        {t('gallery.bulk.clear')}
      </Button>

      <Menu anchorEl={rateAnchor} open={rateAnchor !== null} onClose={() => setRateAnchor(null)}>
        {[5, 4, 3, 2, 1, 0].map((n) => (
          <MenuItem
            key={n}
            onClick={() => {
              setRateAnchor(null);
              void run(() => setRating(items, n));
            }}
          >
            {n === 0 ? t('gallery.bulk.noRating') : '★'.repeat(n)}
          </MenuItem>
        ))}
      </Menu>
      <Menu anchorEl={moveAnchor} open={moveAnchor !== null} onClose={() => setMoveAnchor(null)}>
        {projects.map((p) => (
          <MenuItem
            key={p.id}
            data-testid="move-to"
            onClick={() => {
              setMoveAnchor(null);
              void run(() => moveTo(items, p.id, p.name));
            }}
          >
            {p.name}
          </MenuItem>
        ))}
        <MenuItem
          onClick={() => {
            setMoveAnchor(null);
            void run(() => moveTo(items, null, t('gallery.notOnBoard')));
          }}
        >
          {t('gallery.notOnBoard')}
        </MenuItem>
        <Divider />
        <MenuItem
          data-testid="move-new-board"
          onClick={() => {
            setMoveAnchor(null);
            setNewBoard('');
          }}
        >
          {t('gallery.bulk.newBoard')}
        </MenuItem>
      </Menu>

      <Dialog open={tagging !== null} onClose={() => setTagging(null)} aria-labelledby="tag-title" fullWidth maxWidth="xs">
        <DialogTitle id="tag-title">{t('gallery.bulk.tagTitle', { count: items.length })}</DialogTitle>
        <DialogContent>
          <Autocomplete
            freeSolo
            options={tags}
            inputValue={tagging ?? ''}
            onInputChange={(_, v) => setTagging(v.slice(0, 64))}
            renderInput={(params) => (
              <TextField {...params} autoFocus margin="dense" label={t('gallery.tag')} slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': 'bulk-tag-input' } }} />
            )}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setTagging(null)}>{t('common.cancel')}</Button>
          <Button
            variant="contained"
            disabled={!tagging?.trim()}
            data-testid="bulk-tag-confirm"
            onClick={() => {
              const tag = tagging!.trim();
              setTagging(null);
              void run(() => addTag(items, tag));
            }}
          >
            {t('gallery.bulk.tag')}
          </Button>
        </DialogActions>
      </Dialog>

      <Dialog open={newBoard !== null} onClose={() => setNewBoard(null)} aria-labelledby="move-new-title">
        <DialogTitle id="move-new-title">{t('gallery.bulk.newBoardTitle', { count: items.length })}</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            label={t('gallery.boardName')}
            value={newBoard ?? ''}
            onChange={(e) => setNewBoard(e.target.value.slice(0, 200))}
            slotProps={{ htmlInput: { 'data-testid': 'move-new-board-name' } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setNewBoard(null)}>{t('common.cancel')}</Button>
          <Button
            variant="contained"
            disabled={!newBoard?.trim()}
            data-testid="move-new-board-confirm"
            onClick={() => {
              const name = newBoard!.trim();
              setNewBoard(null);
              void run(async () => {
                const board = await library.createProject(name);
                await moveTo(items, board.id, board.name);
              });
            }}
          >
            {t('gallery.bulk.move')}
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
