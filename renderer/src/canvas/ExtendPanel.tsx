/** Outpainting presets: extend the canvas by N pixels on a side, or to an aspect ratio. */
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowForwardIcon from '@mui/icons-material/ArrowForward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import { Box, Button, IconButton, MenuItem, Stack, TextField, Tooltip, Typography } from '@mui/material';
import { type ReactNode, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { OUTPAINT_FILLS, type OutpaintFill } from './form';
import { canvasForm, canvasStore as store, setCanvasForm } from './session';
import { ASPECTS } from '../generate';
import { MAX_EXTEND } from './store';
import type { Edges } from './types';

const SIDES: { side: keyof Edges; icon: ReactNode }[] = [
  { side: 'left', icon: <ArrowBackIcon fontSize="small" /> },
  { side: 'top', icon: <ArrowUpwardIcon fontSize="small" /> },
  { side: 'right', icon: <ArrowForwardIcon fontSize="small" /> },
  { side: 'bottom', icon: <ArrowDownwardIcon fontSize="small" /> },
];

/** Outpainting: the canvas extended on any side, by a number of pixels or to an aspect ratio; the new area is masked. */
export function ExtendPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const [by, setBy] = useState(128);
  const [aspect, setAspect] = useState('16:9');
  const { fill } = useSyncExternalStore(canvasForm.subscribe, canvasForm.get);
  const e = doc.extend;
  const a = ASPECTS.find((x) => x.id === aspect) ?? ASPECTS[0]!;
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {t('canvas.extend')}
      </Typography>
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mb: 1 }}>
        {t('canvas.extendHelp')}
      </Typography>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 0.5, flexWrap: 'wrap' }}>
        <TextField size="small" type="number" label={t('canvas.extendBy')} value={by} onChange={(ev) => setBy(Math.max(1, Math.min(MAX_EXTEND, Math.round(Number(ev.target.value) || 1))))} sx={{ width: 96 }} slotProps={{ htmlInput: { step: 32, 'data-testid': 'extend-by' } }} />
        {SIDES.map(({ side, icon }) => (
          <Tooltip key={side} title={t(`canvas.extendSide.${side}`, { n: by })}>
            <IconButton size="small" aria-label={t(`canvas.extendSide.${side}`, { n: by })} onClick={() => store.extendBy(by, [side])} data-testid={`extend-${side}`}>
              {icon}
            </IconButton>
          </Tooltip>
        ))}
        <Button size="small" onClick={() => store.extendBy(by, ['left', 'top', 'right', 'bottom'])} data-testid="extend-all">
          {t('canvas.extendAll')}
        </Button>
      </Stack>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mt: 1 }}>
        <TextField select size="small" label={t('canvas.extendAspect')} value={aspect} onChange={(ev) => setAspect(ev.target.value)} sx={{ minWidth: 120 }} slotProps={{ htmlInput: { 'data-testid': 'extend-aspect' } }}>
          {ASPECTS.map((x) => (
            <MenuItem key={x.id} value={x.id}>
              {x.id}
            </MenuItem>
          ))}
        </TextField>
        <Button size="small" onClick={() => store.extendToAspect(a.w, a.h)} data-testid="extend-to-aspect">
          {t('canvas.extendTo')}
        </Button>
      </Stack>
      <TextField
        select
        size="small"
        label={t('canvas.extendFill')}
        helperText={t('canvas.extendFillHelp')}
        value={fill}
        onChange={(ev) => setCanvasForm({ fill: ev.target.value as OutpaintFill })}
        sx={{ mt: 1.5, minWidth: 220 }}
        slotProps={{ htmlInput: { 'data-testid': 'extend-fill' } }}
      >
        {OUTPAINT_FILLS.map((f) => (
          <MenuItem key={f} value={f}>
            {t(`canvas.fill.${f}`)}
          </MenuItem>
        ))}
      </TextField>
      {e && (
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mt: 1 }}>
          <Typography variant="caption" data-testid="extend-state">
            {t('canvas.extended', { left: e.left, top: e.top, right: e.right, bottom: e.bottom })}
          </Typography>
          <Button size="small" onClick={() => store.setExtend(null)} data-testid="extend-remove">
            {t('canvas.extendRemove')}
          </Button>
        </Stack>
      )}
    </Box>
  );
}
