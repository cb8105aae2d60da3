/**
 * Memory tiers of the model in use: each tier's estimated peak memory at an image size (models.tiers:
 * weights + working memory, main/models), marked "fits your GPU" against the GPU memory the system
 * reports, or against a size the user enters; a tier is chosen here (Settings.tier).
 */
import { Alert, Box, Button, Card, CardContent, Chip, MenuItem, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { TIERS, type Tier, type TierEstimate } from '../../../main/contract';
import { useQuery } from '../api/hooks';
import { formatBytes } from './format';

const SIZES = [512, 1024, 2048] as const;

export function TierCard({ modelPath, tier, onUseTier }: { modelPath: string | null; tier: Tier | null; onUseTier(tier: Tier | null): void }) {
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
    if (TIERS[e.tier].deviceBytes === null) return <Chip size="small" label="host memory" />;
    if (gpuBytes === null) return <Chip size="small" variant="outlined" label="enter your GPU's memory" />;
    return e.peakBytes <= gpuBytes ? (
      <Chip size="small" color="success" label={fromSystem ? 'fits your GPU' : `fits ${gpuGb} GB`} data-testid={`tier-fits-${e.tier}`} />
    ) : (
      <Chip size="small" color="warning" label="too large" data-testid={`tier-too-large-${e.tier}`} />
    );
  };

  return (
    <Card variant="outlined" data-testid="tier-card">
      <CardContent>
        <Typography variant="h6" component="h3">
          Memory tiers
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          A tier picks the precision, whether modules stay loaded and when the decoder works in tiles, to fit a memory size. Estimates: the weights in memory plus the largest working memory of each stage, for the model in use.
        </Typography>
        {!modelPath ? (
          <Typography variant="body2">Choose a model above to see its estimates.</Typography>
        ) : (
          <>
            <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', alignItems: 'center', mb: 1 }}>
              <TextField select size="small" label="Image size" value={size} onChange={(e) => setSize(Number(e.target.value) as (typeof SIZES)[number])} sx={{ minWidth: 160 }}>
                {SIZES.map((s) => (
                  <MenuItem key={s} value={s}>
                    {s} x {s}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                size="small"
                label="Your GPU's memory (GB)"
                value={gpuGb}
                onChange={(e) => setGpuGb(e.target.value)}
                slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': 'tier-gpu-gb' } }}
                sx={{ width: 200 }}
                helperText={device ? (device.memoryBytes ? `${device.name}: ${formatBytes(device.memoryBytes)} (${device.source})` : device.source) : ' '}
              />
              <Button size="small" disabled={tier === null} onClick={() => onUseTier(null)}>
                No tier (profile and precision in Settings)
              </Button>
            </Stack>
            {tiers.error && <Alert severity="error">{tiers.error.message}</Alert>}
            {tiers.data && (
              <Box sx={{ overflowX: 'auto' }}>
                <Table size="small" aria-label="Memory tiers">
                  <TableHead>
                    <TableRow>
                      <TableCell>Tier</TableCell>
                      <TableCell>What it does</TableCell>
                      <TableCell align="right">Peak at {size}²</TableCell>
                      <TableCell>Fits</TableCell>
                      <TableCell />
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {tiers.data.estimates.map((e) => (
                      <TableRow key={e.tier} selected={tier === e.tier} data-testid={`tier-row-${e.tier}`}>
                        <TableCell>{TIERS[e.tier].label}</TableCell>
                        <TableCell sx={{ maxWidth: 420 }}>
                          <Typography variant="body2">{TIERS[e.tier].description}</Typography>
                          <Typography variant="caption" color="text.secondary">
                            {e.phases.map((p) => `${p.phase} ${formatBytes(p.bytes)}`).join(' · ')}
                            {e.basis === 'files' ? ' (from the compiled files)' : ''}
                          </Typography>
                        </TableCell>
                        <TableCell align="right" data-testid={`tier-peak-${e.tier}`}>
                          {formatBytes(e.peakBytes)}
                        </TableCell>
                        <TableCell>{fits(e)}</TableCell>
                        <TableCell>
                          <Button size="small" disabled={tier === e.tier} onClick={() => onUseTier(e.tier)} aria-label={`Use the ${TIERS[e.tier].label} tier`}>
                            {tier === e.tier ? 'In use' : 'Use'}
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
