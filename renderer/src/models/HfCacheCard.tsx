/** Looks for GLM-Image snapshots in the Hugging Face cache; a snapshot found is used in place (never copied). */
import { Alert, Box, Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CachedCheckpointInfo } from '../../../main/contract';
import { call } from '../api/client';
import { errorText, formatBytes } from './format';

export function HfCacheCard({ hfCacheDir, inUse, onUse, onFound }: { hfCacheDir: string; inUse: string | null; onUse(dir: string, name: string): void; onFound(): void }) {
  const { t } = useTranslation();
  const [found, setFound] = useState<CachedCheckpointInfo[] | null>(null);
  const [dir, setDir] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const find = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('models.find', {});
      setFound(r.checkpoints);
      setDir(r.hfCacheDir);
      onFound();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" component="h3">
          {t('models.hf.title')}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5, wordBreak: 'break-all' }}>
          {t('models.hf.help', { dir: dir ?? hfCacheDir ?? '…' })}
        </Typography>
        <Button variant="outlined" disabled={busy} onClick={() => void find()} data-testid="hf-find">
          {busy ? t('models.hf.looking') : t('models.hf.look')}
        </Button>
        {error && (
          <Alert severity="error" sx={{ mt: 1.5 }}>
            {error}
          </Alert>
        )}
        {found && found.length === 0 && (
          <Typography variant="body2" sx={{ mt: 1.5 }} data-testid="hf-none">
            {t('models.hf.none')}
          </Typography>
        )}
        {found && found.length > 0 && (
          <Box sx={{ mt: 1.5 }}>
            {found.map((c) => (
              <Stack key={c.dir} direction="row" sx={{ alignItems: 'center', gap: 1, py: 0.5, flexWrap: 'wrap' }} data-testid="hf-found">
                <Chip size="small" color={c.report.ok ? 'success' : 'warning'} label={c.report.ok ? t('models.status.ready') : t('models.status.incomplete')} />
                <Typography variant="body2" sx={{ flex: 1, wordBreak: 'break-all' }}>
                  {c.repo} @ {c.revision.slice(0, 10)}
                  {c.refs.length ? ` (${c.refs.join(', ')})` : ''} · {formatBytes(c.report.totalBytes)}
                  {!c.report.ok && ` · ${c.report.summary}`}
                </Typography>
                <Button size="small" disabled={!c.report.ok || inUse === c.dir} onClick={() => onUse(c.dir, c.repo)} aria-label={t('models.hf.useNamed', { name: c.repo })}>
                  {inUse === c.dir ? t('models.inUseChip') : t('models.use')}
                </Button>
              </Stack>
            ))}
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
