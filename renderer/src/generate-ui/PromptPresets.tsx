/** Saved prompt presets (kept in the workspace): apply one, save the form as one, delete one. */
import BookmarkIcon from '@mui/icons-material/BookmarkBorder';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, Divider, IconButton, ListItemText, Menu, MenuItem, TextField } from '@mui/material';
import { useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { PromptPreset } from '../../../main/contract';
import { notify } from '../app/notify';
import { generateDraft } from '../generate';
import { presets, savePresets } from '../workspace/sync';

export function PromptPresets() {
  const { t } = useTranslation();
  const list = useSyncExternalStore(presets.subscribe, presets.get);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [naming, setNaming] = useState<string | null>(null);
  const save = async (name: string) => {
    const d = generateDraft.getState();
    const { prompt, projectId: _board, seed: _seed, seedLocked: _locked, count: _count, ...settings } = d;
    const preset: PromptPreset = { id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, name, prompt, settings, createdAt: Date.now() };
    try {
      await savePresets([...list.filter((p) => p.name !== name), preset]);
      notify(t('generate.presetSaved', { name }));
    } catch (err) {
      notify((err as Error).message, { severity: 'error' });
    }
  };
  const remove = async (p: PromptPreset) => {
    await savePresets(list.filter((x) => x.id !== p.id)).catch((err: unknown) => notify((err as Error).message, { severity: 'error' }));
    notify(t('generate.presetDeleted', { name: p.name }), { action: { label: t('common.undo'), run: () => savePresets([...presets.get(), p]) } });
  };
  return (
    <>
      <Button size="small" startIcon={<BookmarkIcon />} onClick={(e) => setAnchor(e.currentTarget)} data-testid="presets-button" aria-haspopup="menu">
        {t('generate.presets')}
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {list.map((p) => (
          <MenuItem
            key={p.id}
            data-testid="preset"
            onClick={() => {
              generateDraft.update({ ...(p.settings ?? {}), prompt: p.prompt } as Parameters<typeof generateDraft.update>[0]);
              setAnchor(null);
            }}
            sx={{ maxWidth: 420 }}
          >
            <ListItemText primary={p.name} secondary={p.prompt} slotProps={{ secondary: { noWrap: true } }} sx={{ minWidth: 0 }} />
            <IconButton
              size="small"
              edge="end"
              aria-label={t('generate.presetDelete', { name: p.name })}
              onClick={(e) => {
                e.stopPropagation();
                void remove(p);
              }}
            >
              <DeleteIcon fontSize="small" />
            </IconButton>
          </MenuItem>
        ))}
        {list.length > 0 && <Divider />}
        <MenuItem
          data-testid="preset-save"
          onClick={() => {
            setAnchor(null);
            setNaming('');
          }}
        >
          {t('generate.presetSave')}
        </MenuItem>
      </Menu>
      <Dialog open={naming !== null} onClose={() => setNaming(null)} aria-labelledby="preset-title">
        <DialogTitle id="preset-title">{t('generate.presetSave')}</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            label={t('generate.presetName')}
            value={naming ?? ''}
            onChange={(e) => setNaming(e.target.value.slice(0, 100))}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && naming?.trim()) {
                void save(naming.trim());
                setNaming(null);
              }
            }}
            slotProps={{ htmlInput: { 'data-testid': 'preset-name' } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setNaming(null)}>{t('common.cancel')}</Button>
          <Button
            variant="contained"
            disabled={!naming?.trim()}
            data-testid="preset-confirm"
            onClick={() => {
              void save(naming!.trim());
              setNaming(null);
            }}
          >
            {t('common.save')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
