/**
 * Memory tiers of the model in use: each tier's estimated peak memory at an image size (models.tiers:
 * weights + working memory, main/models), marked "fits your GPU" against the GPU memory the system
 * reports, or against a size the user enters; a tier is chosen here (Settings.tier).
 */
import { Alert, Box, Button, Card, CardContent, Chip, MenuItem, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TIERS, type Tier, type TierEstimate } from '../../../main/contract';
import { useQuery } from '../api/hooks';
import { formatBytes } from './format';

const SIZES = [512, 1024, 2048] as const;

export function TierCard({ modelPath, tier, onUseTier }: { modelPath: string | null; tier: Tier | null; onUseTier(tier: Tier | null): void }) {
  const { t } = useTranslation();
  const [size, setSize] = useState<(typeof SIZES)[number]>(1024);
  const [gpuGb, setGpuGb] = useState('');
  const tiers = useQuery('models.tiers', { path: modelPath ?? '', width: size, height: size }, modelPath, modelPath !== null && modelPath !== '');
  const device = tiers.data?.device;
  // the reported size fills the field once; the user may change it
  useEffect(() => {
    if (device?.memoryBytes && gpuGb === '') setGpuGb((device.memoryBytes / 1e9).toFixed(1));
  }, [device?.memoryBytes]);
  const entered = Number(gpuGb);
  const gpuBytes = gpuGb.trim() !== '' && Number.isFinite(entered) && entered > 0 ? entered * 1e9 : null;
  const fromSystem = device?.memoryBytes != null && gpuBytes === device.memoryBytes;

  const fits = (e: TierEstimate) => {
    if (TIERS[e.tier].deviceBytes === null) return <Chip size="small" label={t('models.tiers.hostMemory')} />;
    if (gpuBytes === null) return <Chip size="small" variant="outlined" label={t('models.tiers.enterGpu')} />;
    return e.peakBytes <= gpuBytes ? (
      <Chip size="small" color="success" label={fromSystem ? t('models.tiers.fitsGpu') : t('models.tiers.fitsGb', { gb: gpuGb })} data-testid={`tier-fits-${e.tier}`} />
    ) : (
      <Chip size="small" color="warning" label={t('models.tiers.tooLarge')} data-testid={`tier-too-large-${e.tier}`} />
    );
  };

  return (
    <Card variant="outlined" data-testid="tier-card">
      <CardContent>
        <Typography variant="h6" component="h3">
          {t('models.tiers.title')}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          {t('models.tiers.help')}
        </Typography>
        {!modelPath ? (
          <Typography variant="body2">{t('models.tiers.chooseModel')}</Typography>
        ) : (
          <>
            <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', alignItems: 'center', mb: 1 }}>
              <TextField select size="small" label={t('models.tiers.imageSize')} value={size} onChange={(e) => setSize(Number(e.target.value) as (typeof SIZES)[number])} sx={{ minWidth: 160 }}>
                {SIZES.map((s) => (
                  <MenuItem key={s} value={s}>
                    {t('models.tiers.sizeOption', { size: s })}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                size="small"
                label={t('models.tiers.gpuMemory')}
                value={gpuGb}
                onChange={(e) => setGpuGb(e.target.value)}
                slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': 'tier-gpu-gb' } }}
                sx={{ width: 200 }}
                helperText={device ? (device.memoryBytes ? t('models.tiers.deviceMemory', { name: device.name, size: formatBytes(device.memoryBytes), source: device.source }) : device.source) : ' '}
              />
              <Button size="small" disabled={tier === null} onClick={() => onUseTier(null)}>
                {t('models.tiers.noTier')}
              </Button>
            </Stack>
            {tiers.error && <Alert severity="error">{tiers.error.message}</Alert>}
            {tiers.data && (
              <Box sx={{ overflowX: 'auto' }}>
                <Table size="small" aria-label={t('models.tiers.title')}>
                  <TableHead>
                    <TableRow>
                      <TableCell>{t('models.tiers.col.tier')}</TableCell>
                      <TableCell>{t('models.tiers.col.what')}</TableCell>
                      <TableCell align="right">{t('models.tiers.col.peak', { size })}</TableCell>
                      <TableCell>{t('models.tiers.col.fits')}</TableCell>
                      <TableCell />
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {tiers.data.estimates.map((e) => (
                      <TableRow key={e.tier} selected={tier === e.tier} data-testid={`tier-row-${e.tier}`}>
                        <TableCell>{t(`models.tiers.names.${e.tier}`)}</TableCell>
                        <TableCell sx={{ maxWidth: 420 }}>
                          <Typography variant="body2">{t(`models.tiers.descriptions.${e.tier}`)}</Typography>
                          <Typography variant="caption" color="text.secondary">
                            {e.phases.map((p) => t('models.tiers.phase', { phase: p.phase, size: formatBytes(p.bytes) })).join(' · ')}
                            {e.basis === 'files' ? t('models.tiers.fromFiles') : ''}
                          </Typography>
                        </TableCell>
                        <TableCell align="right" data-testid={`tier-peak-${e.tier}`}>
                          {formatBytes(e.peakBytes)}
                        </TableCell>
                        <TableCell>{fits(e)}</TableCell>
                        <TableCell>
                          <Button size="small" disabled={tier === e.tier} onClick={() => onUseTier(e.tier)} aria-label={t('models.tiers.useNamed', { tier: t(`models.tiers.names.${e.tier}`) })}>
                            {tier === e.tier ? t('models.tiers.inUse') : t('models.tiers.use')}
                          </Button>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </Box>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
