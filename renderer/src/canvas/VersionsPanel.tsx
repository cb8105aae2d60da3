/** The versions panel and the before/after compare of a version with its source. */
import { Box, FormControlLabel, List, ListItemButton, ListItemText, Slider, Switch, Typography } from '@mui/material';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { canvasStore as store } from './session';

export function VersionsPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const label = (id: string | null) => doc.versions.find((v) => v.id === id)?.label ?? '';
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {t('canvas.versions')}
      </Typography>
      <List dense disablePadding aria-label={t('canvas.versions')} data-testid="versions">
        {doc.versions.map((v) => (
          <ListItemButton key={v.id} selected={v.id === doc.currentVersionId} onClick={() => store.selectVersion(v.id)} data-testid="version">
            <Box component="img" src={v.src} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1 }} />
            <ListItemText primary={v.label} secondary={v.parentId ? t('canvas.fromVersion', { version: label(v.parentId) }) : t('canvas.sizeValue', { width: v.width, height: v.height })} />
          </ListItemButton>
        ))}
      </List>
      <CompareControls />
    </Box>
  );
}

/** Before/after: the current version against the one it was made from, split by a slider. */
function CompareControls() {
  const { t } = useTranslation();
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const source = store.sourceVersion();
  if (!source) return null;
  return (
    <Box sx={{ px: 1, mt: 1 }}>
      <FormControlLabel
        control={<Switch size="small" checked={state.compare !== null} onChange={(e) => store.setCompare(e.target.checked)} data-testid="compare-toggle" />}
        label={<Typography variant="caption">{t('canvas.compare', { version: source.label })}</Typography>}
      />
      {state.compare && (
        <Slider size="small" min={0} max={1} step={0.01} value={state.compare.split} onChange={(_, v) => store.setCompare(true, v as number)} aria-label={t('canvas.compareSplit')} data-testid="compare-split" />
      )}
    </Box>
  );
}
