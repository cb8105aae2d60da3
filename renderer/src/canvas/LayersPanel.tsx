/** The layers panel: the mask (its own layer, with invert, grow/shrink, feather), a result over its source, the image; the flattened export. */
import CloseIcon from '@mui/icons-material/Close';
import FileDownloadIcon from '@mui/icons-material/FileDownload';
import LayersClearIcon from '@mui/icons-material/LayersClear';
import VisibilityIcon from '@mui/icons-material/Visibility';
import VisibilityOffIcon from '@mui/icons-material/VisibilityOff';
import { Box, Button, FormControlLabel, IconButton, List, ListItem, ListItemText, Slider, Stack, Switch, Tooltip, Typography } from '@mui/material';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { flattenedDataUrl } from './images';
import { canvasStore as store } from './session';
import { MAX_MASK_EDGE } from './store';
import type { Layer } from './types';

export function LayersPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const layers = doc.layers.filter((l) => l.role === 'base');
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {t('canvas.layers')}
      </Typography>
      <List dense disablePadding aria-label={t('canvas.layers')}>
        <ListItem
          disableGutters
          secondaryAction={
            <Stack direction="row">
              <Tooltip title={t('canvas.clearMask')}>
                <span>
                  <IconButton size="small" aria-label={t('canvas.clearMask')} disabled={doc.mask.strokes.length === 0} onClick={() => store.clearMask()} data-testid="clear-mask">
                    <LayersClearIcon fontSize="small" />
                  </IconButton>
                </span>
              </Tooltip>
              <VisibilityButton visible={doc.mask.visible} what={t('canvas.mask')} onToggle={() => store.setMaskVisible(!doc.mask.visible)} />
            </Stack>
          }
        >
          <ListItemText primary={t('canvas.mask')} secondary={<span data-testid="mask-strokes">{t('canvas.strokes', { count: doc.mask.strokes.length })}</span>} />
        </ListItem>
        <Box sx={{ px: 1 }}>
          <Slider
            size="small"
            min={0}
            max={1}
            step={0.05}
            value={doc.mask.opacity}
            onChange={(_, v) => store.setMaskOpacity(v as number, true)}
            onChangeCommitted={() => store.endGesture()}
            aria-label={t('canvas.maskOpacity')}
          />
        </Box>
        <MaskControls />
        <ResultLayerRow />
        {layers.map((l) => (
          <LayerRow key={l.id} layer={l} />
        ))}
      </List>
    </Box>
  );
}

/** The current version as a layer over its source: visibility, opacity, delete; and the flattened export. */
function ResultLayerRow() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const cur = doc.versions.find((v) => v.id === doc.currentVersionId);
  const source = cur?.parentId ? doc.versions.find((v) => v.id === cur.parentId) : undefined;
  const exportFlat = async () => {
    if (!cur) return;
    const a = document.createElement('a');
    a.href = await flattenedDataUrl(cur, source ?? null);
    a.download = `${cur.label.replace(/[^\p{L}\p{N}._ -]+/gu, '_') || 'canvas'}.png`;
    a.click();
  };
  return (
    <>
      {cur && source && (
        <Box data-testid="layer-result">
          <ListItem
            disableGutters
            secondaryAction={
              <Stack direction="row">
                <VisibilityButton visible={cur.visible} what={cur.label} onToggle={() => store.setResultVisible(cur.id, !cur.visible)} />
                <IconButton size="small" aria-label={t('canvas.deleteResult', { name: cur.label })} onClick={() => store.removeVersion(cur.id)} data-testid="result-delete">
                  <CloseIcon fontSize="small" />
                </IconButton>
              </Stack>
            }
          >
            <Box component="img" src={cur.src} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1, opacity: cur.visible ? cur.opacity : 0.3 }} />
            <ListItemText primary={cur.label} secondary={t('canvas.resultOver', { version: source.label })} slotProps={{ primary: { noWrap: true } }} sx={{ pr: 8 }} />
          </ListItem>
          <Box sx={{ px: 1 }}>
            <Slider
              size="small"
              min={0}
              max={1}
              step={0.05}
              value={cur.opacity}
              onChange={(_, v) => store.setResultOpacity(cur.id, v as number, true)}
              onChangeCommitted={() => store.endGesture()}
              aria-label={t('canvas.resultOpacity', { name: cur.label })}
            />
          </Box>
        </Box>
      )}
      <Button size="small" startIcon={<FileDownloadIcon />} onClick={() => void exportFlat()} disabled={!cur} data-testid="export-flat" sx={{ ml: 0.5, mb: 1 }}>
        {t('canvas.exportFlat')}
      </Button>
    </>
  );
}

/** Invert, grow/shrink and feather: they apply to the whole mask (painted, selected and the extension). */
function MaskControls() {
  const { t } = useTranslation();
  const { mask } = useSyncExternalStore(store.subscribe, store.getState).doc;
  return (
    <Box sx={{ px: 1, pb: 1 }}>
      <FormControlLabel
        control={<Switch size="small" checked={mask.invert} onChange={(e) => store.setMaskInvert(e.target.checked)} data-testid="mask-invert" />}
        label={<Typography variant="caption">{t('canvas.invertMask')}</Typography>}
      />
      <Typography variant="caption" id="mask-grow" sx={{ display: 'block' }}>
        {t('canvas.growMask', { value: mask.grow })}
      </Typography>
      <Slider size="small" min={-64} max={64} step={1} value={Math.max(-64, Math.min(64, mask.grow))} onChange={(_, v) => store.setMaskGrow(v as number, true)} onChangeCommitted={() => store.endGesture()} aria-labelledby="mask-grow" data-testid="mask-grow" />
      <Typography variant="caption" id="mask-feather" sx={{ display: 'block' }}>
        {t('canvas.featherMask', { value: mask.feather })}
      </Typography>
      <Slider size="small" min={0} max={Math.min(64, MAX_MASK_EDGE)} step={1} value={Math.min(64, mask.feather)} onChange={(_, v) => store.setMaskFeather(v as number, true)} onChangeCommitted={() => store.endGesture()} aria-labelledby="mask-feather" data-testid="mask-feather" />
    </Box>
  );
}

function LayerRow({ layer }: { layer: Layer }) {
  const { t } = useTranslation();
  return (
    <ListItem
      disableGutters
      data-testid={`layer-${layer.role}`}
      secondaryAction={
        <Stack direction="row">
          <VisibilityButton visible={layer.visible} what={layer.name} onToggle={() => store.setLayerVisible(layer.id, !layer.visible)} />
          {layer.role === 'reference' && (
            <IconButton size="small" aria-label={t('canvas.removeNamed', { name: layer.name })} onClick={() => store.removeLayer(layer.id)}>
              <CloseIcon fontSize="small" />
            </IconButton>
          )}
        </Stack>
      }
    >
      <Box component="img" src={layer.src} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1, opacity: layer.visible ? 1 : 0.4 }} />
      <ListItemText primary={layer.name} secondary={t('canvas.layerLine', { role: layer.role === 'base' ? t('canvas.defaultImage') : t('canvas.defaultReference'), width: layer.width, height: layer.height })} slotProps={{ primary: { noWrap: true } }} sx={{ pr: 8 }} />
    </ListItem>
  );
}

export function VisibilityButton({ visible, what, onToggle }: { visible: boolean; what: string; onToggle(): void }) {
  const { t } = useTranslation();
  return (
    <IconButton size="small" aria-label={visible ? t('canvas.hideNamed', { name: what }) : t('canvas.showNamed', { name: what })} aria-pressed={visible} onClick={onToggle}>
      {visible ? <VisibilityIcon fontSize="small" /> : <VisibilityOffIcon fontSize="small" />}
    </IconButton>
  );
}
