/** The reference slots: thumbnails, roles and the order the prompt sees them in. */
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import CloseIcon from '@mui/icons-material/Close';
import { Box, IconButton, List, ListItem, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { canvasStore as store, type CanvasMode } from './session';
import { VisibilityButton } from './LayersPanel';
import { SLOT_ROLES, type SlotRole } from './types';

/** A new reference's role: what the current mode still lacks (style, subject), otherwise content. */
export function defaultSlot(mode: CanvasMode): SlotRole {
  if (mode === 'style' && store.slots('style').length === 0) return 'style';
  if (mode === 'identity' && store.slots('subject').length === 0) return 'subject';
  return 'content';
}

/** The reference slots in the order the prompt sees them: thumbnail, role, order, visibility. */
export function SlotsPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const slots = doc.layers.filter((l) => l.role === 'reference');
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {t('canvas.references')}
      </Typography>
      {slots.length === 0 && (
        <Typography variant="caption" color="text.secondary">
          {t('canvas.noReferences')}
        </Typography>
      )}
      <List dense disablePadding aria-label={t('canvas.references')}>
        {slots.map((l, i) => (
          <ListItem key={l.id} disableGutters data-testid="layer-reference" sx={{ alignItems: 'flex-start', gap: 1 }}>
            <Typography variant="caption" sx={{ pt: 1, minWidth: 14 }} aria-label={t('canvas.slotOrder', { n: i + 1 })}>
              {i + 1}
            </Typography>
            <Box component="img" src={l.src} alt="" data-testid="slot-thumb" sx={{ width: 48, height: 48, objectFit: 'cover', borderRadius: 1, opacity: l.visible ? 1 : 0.4, flexShrink: 0 }} />
            <Box sx={{ minWidth: 0, flex: 1 }}>
              <Typography variant="body2" noWrap title={l.name}>
                {l.name}
              </Typography>
              <TextField
                select
                size="small"
                variant="standard"
                value={l.slot ?? 'content'}
                onChange={(e) => store.setSlotRole(l.id, e.target.value as SlotRole)}
                slotProps={{ htmlInput: { 'aria-label': t('canvas.slotRoleOf', { name: l.name }), 'data-testid': 'slot-role' } }}
                sx={{ minWidth: 110 }}
              >
                {SLOT_ROLES.map((r) => (
                  <MenuItem key={r} value={r}>
                    {t(`canvas.slotRole.${r}`)}
                  </MenuItem>
                ))}
              </TextField>
            </Box>
            <Stack direction="row" sx={{ flexShrink: 0 }}>
              <IconButton size="small" aria-label={t('canvas.slotEarlier', { name: l.name })} disabled={i === 0} onClick={() => store.moveReference(l.id, -1)} data-testid="slot-up">
                <ArrowUpwardIcon fontSize="small" />
              </IconButton>
              <IconButton size="small" aria-label={t('canvas.slotLater', { name: l.name })} disabled={i === slots.length - 1} onClick={() => store.moveReference(l.id, 1)} data-testid="slot-down">
                <ArrowDownwardIcon fontSize="small" />
              </IconButton>
              <VisibilityButton visible={l.visible} what={l.name} onToggle={() => store.setLayerVisible(l.id, !l.visible)} />
              <IconButton size="small" aria-label={t('canvas.removeNamed', { name: l.name })} onClick={() => store.removeLayer(l.id)}>
                <CloseIcon fontSize="small" />
              </IconButton>
            </Stack>
          </ListItem>
        ))}
      </List>
    </Box>
  );
}
