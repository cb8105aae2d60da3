/**
 * Two images compared: side by side, or one over the other with a slider that reveals the second
 * (before/after of an edit). Keyboard: the slider moves with the arrow keys.
 */
import { Box, Dialog, DialogContent, DialogTitle, IconButton, Slider, Stack, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import CloseIcon from '@mui/icons-material/Close';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface CompareImage {
  src: string;
  label: string;
}

export function CompareView({ open, before, after, initial = 'side', onClose }: { open: boolean; before: CompareImage; after: CompareImage; initial?: 'side' | 'slider'; onClose(): void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'side' | 'slider'>(initial);
  const [at, setAt] = useState(50);
  return (
    <Dialog open={open} onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="compare-title">
      <DialogTitle id="compare-title" sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Box component="span" sx={{ flex: 1 }}>
          {t('results.compare')}
        </Box>
        <ToggleButtonGroup size="small" exclusive value={mode} onChange={(_, v: 'side' | 'slider' | null) => v && setMode(v)} aria-label={t('results.compareMode')}>
          <ToggleButton value="side" data-testid="compare-side">
            {t('results.sideBySide')}
          </ToggleButton>
          <ToggleButton value="slider" data-testid="compare-slider-mode">
            {t('results.beforeAfter')}
          </ToggleButton>
        </ToggleButtonGroup>
        <IconButton aria-label={t('common.close')} onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </DialogTitle>
      <DialogContent data-testid="compare-view" data-mode={mode}>
        {mode === 'side' ? (
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 2 }}>
            {[before, after].map((img) => (
              <Box component="figure" key={img.label} sx={{ m: 0, minWidth: 0 }}>
                <Box component="img" src={img.src} alt={img.label} sx={{ width: '100%', display: 'block', borderRadius: 1 }} />
                <Typography component="figcaption" variant="caption" color="text.secondary">
                  {img.label}
                </Typography>
              </Box>
            ))}
          </Box>
        ) : (
          <Stack sx={{ gap: 1 }}>
            <Box sx={{ position: 'relative', width: '100%', lineHeight: 0, userSelect: 'none' }}>
              <Box component="img" src={before.src} alt={before.label} sx={{ width: '100%', display: 'block', borderRadius: 1 }} />
              <Box
                component="img"
                src={after.src}
                alt={after.label}
                data-testid="compare-after"
                sx={{ position: 'absolute', inset: 0, width: '100%', height: '100%', objectFit: 'fill', borderRadius: 1, clipPath: `inset(0 0 0 ${at}%)` }}
              />
              <Box aria-hidden sx={{ position: 'absolute', top: 0, bottom: 0, left: `${at}%`, width: 2, bgcolor: 'common.white', boxShadow: '0 0 3px #000' }} />
            </Box>
            <Stack direction="row" sx={{ alignItems: 'center', gap: 2 }}>
              <Typography variant="caption">{before.label}</Typography>
              <Slider value={at} min={0} max={100} onChange={(_, v) => setAt(v as number)} aria-label={t('results.revealSlider')} data-testid="compare-slider" />
              <Typography variant="caption">{after.label}</Typography>
            </Stack>
          </Stack>
        )}
      </DialogContent>
    </Dialog>
  );
}
