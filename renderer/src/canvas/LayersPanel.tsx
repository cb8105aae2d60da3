/** The layers panel: the mask (its own layer, with invert, grow/shrink, feather), the results stacked over their sources, the image; the flattened export. */
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
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
import { layerStack, type StackLayer } from './stack';
import { MAX_MASK_EDGE } from './store';
import type { Layer, Version } from './types';

export function LayersPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const layers = doc.layers.filter((l) => l.role === 'base');
  const stack = layerStack(doc);
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
        <OpacitySlider value={doc.mask.opacity} onChange={(v) => store.setMaskOpacity(v, true)} label={t('canvas.maskOpacity')} />
        <MaskControls />
        <ResultStack stack={stack} />
        {layers.map((l) => (
          <LayerRow key={l.id} layer={l} bottom={stack[0]?.version ?? null} />
        ))}
      </List>
    </Box>
  );
}

/**
 * The current version's line as a layer stack (canvas/stack.ts), top first: every result over the
 * version it was made from, each with visibility, opacity, its place in the stack and delete; the
 * original is the bottom. And the flattened export of what is drawn.
 */
function ResultStack({ stack }: { stack: readonly StackLayer[] }) {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const cur = doc.versions.find((v) => v.id === doc.currentVersionId);
  const results = stack.slice(1).reverse();
  const labelOf = (id: string | null) => doc.versions.find((v) => v.id === id)?.label ?? '';
  const exportFlat = async () => {
    if (!cur) return;
    const a = document.createElement('a');
    a.href = await flattenedDataUrl(stack, cur.width, cur.height);
    a.download = `${cur.label.replace(/[^\p{L}\p{N}._ -]+/gu, '_') || 'canvas'}.png`;
    a.click();
  };
  return (
    <>
      {results.length > 0 && (
        <Box role="group" aria-label={t('canvas.results')}>
          {results.map(({ version: v }, k) => (
            <Box key={v.id} data-testid="layer-result" data-version={v.id}>
              <ListItem
                disableGutters
                secondaryAction={
                  <Stack direction="row">
                    <VisibilityButton visible={v.visible} what={v.label} onToggle={() => store.setResultVisible(v.id, !v.visible)} />
                    <IconButton size="small" aria-label={t('canvas.resultUp', { name: v.label })} disabled={k === 0} onClick={() => store.moveResult(v.id, 1)} data-testid="result-up">
                      <ArrowUpwardIcon fontSize="small" />
                    </IconButton>
                    <IconButton size="small" aria-label={t('canvas.resultDown', { name: v.label })} disabled={k === results.length - 1} onClick={() => store.moveResult(v.id, -1)} data-testid="result-down">
                      <ArrowDownwardIcon fontSize="small" />
                    </IconButton>
                    <IconButton size="small" aria-label={t('canvas.deleteResult', { name: v.label })} onClick={() => store.removeVersion(v.id)} data-testid="result-delete">
                      <CloseIcon fontSize="small" />
                    </IconButton>
                  </Stack>
                }
              >
                <Box component="img" src={v.src} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1, opacity: v.visible ? Math.max(0.3, v.opacity) : 0.3 }} />
                <ListItemText primary={v.label} secondary={t('canvas.resultOver', { version: labelOf(v.parentId) })} slotProps={{ primary: { noWrap: true }, secondary: { noWrap: true } }} sx={{ pr: 16 }} />
              </ListItem>
              <OpacitySlider value={v.opacity} onChange={(value) => store.setResultOpacity(v.id, value, true)} label={t('canvas.resultOpacity', { name: v.label })} />
            </Box>
          ))}
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

/** The image layer: the whole stack (shown or hidden), drawn as the bottom of the stack (the line's original) when it has results. */
function LayerRow({ layer, bottom }: { layer: Layer; bottom: Version | null }) {
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
      <Box component="img" src={bottom?.src ?? layer.src} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1, opacity: layer.visible ? 1 : 0.4 }} />
      <ListItemText primary={layer.name} secondary={t('canvas.layerLine', { role: layer.role !== 'base' ? t('canvas.defaultReference') : bottom && bottom.src !== layer.src ? t('canvas.original') : t('canvas.defaultImage'), width: bottom?.width ?? layer.width, height: bottom?.height ?? layer.height })} slotProps={{ primary: { noWrap: true } }} sx={{ pr: 8 }} />
    </ListItem>
  );
}

/** A 0..1 opacity: a drag is one undo step (the store merges the changes until the slider is let go). */
function OpacitySlider({ value, onChange, label }: { value: number; onChange(v: number): void; label: string }) {
  return (
    <Box sx={{ px: 1 }}>
      <Slider size="small" min={0} max={1} step={0.05} value={value} onChange={(_, v) => onChange(v as number)} onChangeCommitted={() => store.endGesture()} aria-label={label} />
    </Box>
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
