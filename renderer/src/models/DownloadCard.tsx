/**
 * Download GLM-Image from the Hugging Face hub (or a mirror): repository, revision, optional endpoint and token;
 * each download with a progress bar (bytes, speed, ETA), pause, resume and cancel. The endpoint is remembered in
 * this browser so a paused download resumes from the same hub; the token is kept in memory only.
 */
import { Alert, Box, Button, Card, CardContent, Chip, LinearProgress, Stack, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelDownload } from '../../../main/contract';
import { call } from '../api/client';
import { fmt } from '../i18n';
import { errorText, formatBytes, formatDuration } from './format';

const DEFAULT_REPO = 'zai-org/GLM-Image';
const ENDPOINT_KEY = 'glimmer-hub-endpoint';

/** Hub settings shared by the form and the resume buttons elsewhere on the screen. */
export const hubSettings = {
  endpoint: localStorage.getItem(ENDPOINT_KEY) ?? '',
  token: '',
};

export function startDownload(repo: string, revision: string): Promise<unknown> {
  return call('models.download.start', {
    repo,
    revision,
    ...(hubSettings.endpoint.trim() ? { endpoint: hubSettings.endpoint.trim() } : {}),
    ...(hubSettings.token.trim() ? { token: hubSettings.token.trim() } : {}),
  });
}

const STATE_COLOR: Record<ModelDownload['state'], 'info' | 'default' | 'success' | 'error' | 'warning'> = {
  running: 'info',
  paused: 'default',
  done: 'success',
  failed: 'error',
  cancelled: 'warning',
};

function DownloadRow({ download, onError }: { download: ModelDownload; onError(text: string): void }) {
  const [busy, setBusy] = useState(false);
  const { t } = useTranslation();
  const p = download.progress;
  const percent = p && p.total > 0 ? (100 * p.bytes) / p.total : 0;
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      onError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const label = `${download.repo} @ ${download.revision}`;
  return (
    <Box sx={{ py: 1.5, borderTop: 1, borderColor: 'divider' }} data-testid="download" data-download-id={download.id} data-state={download.state}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="body2" sx={{ fontWeight: 600, flex: 1 }}>
          {label}
        </Typography>
        <Chip size="small" color={STATE_COLOR[download.state]} label={t(`models.download.state.${download.state}`)} data-testid="download-state" data-state={download.state} />
        {download.state === 'running' && (
          <Button size="small" disabled={busy} onClick={() => void act(() => call('models.download.pause', { id: download.id }))} aria-label={t('models.download.pauseNamed', { name: label })}>
            {t('common.pause')}
          </Button>
        )}
        {(download.state === 'paused' || download.state === 'failed') && (
          <Button size="small" variant="outlined" disabled={busy} onClick={() => void act(() => startDownload(download.repo, download.revision))} aria-label={t('models.download.resumeNamed', { name: label })}>
            {t('common.resume')}
          </Button>
        )}
        {download.state !== 'done' && download.state !== 'cancelled' && (
          <Button size="small" color="error" disabled={busy} onClick={() => void act(() => call('models.download.cancel', { id: download.id }))} aria-label={t('models.download.cancelNamed', { name: label })}>
            {t('common.cancel')}
          </Button>
        )}
      </Stack>
      {p && download.state !== 'cancelled' && (
        <>
          <LinearProgress
            variant={p.total > 0 ? 'determinate' : 'indeterminate'}
            value={percent}
            sx={{ my: 1, height: 8, borderRadius: 1 }}
            aria-label={t('models.download.of', { name: label })}
            data-testid="download-bar"
          />
          <Typography variant="body2" data-testid="download-progress">
            {t('models.download.bytes', { done: formatBytes(p.bytes), total: formatBytes(p.total), percent: fmt.percent(percent / 100) })}
            {download.state === 'running' && p.bytesPerSecond > 0 && t('models.download.speed', { speed: formatBytes(p.bytesPerSecond) })}
            {download.state === 'running' && p.etaSeconds !== null && p.phase === 'downloading' && t('models.download.left', { duration: formatDuration(p.etaSeconds) })}
          </Typography>
          <Typography variant="caption" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
            {p.phase === 'done'
              ? t('models.download.verified', { count: p.fileCount })
              : p.file
                ? t('models.download.fileLine', { phase: t(`models.download.phase.${p.phase}`), n: Math.min(p.fileIndex + 1, p.fileCount), count: p.fileCount, file: p.file })
                : t(`models.download.phase.${p.phase}`)}
          </Typography>
        </>
      )}
      {download.state === 'paused' && (
        <Typography variant="caption" color="text.secondary" component="div">
          {t('models.download.paused')}
        </Typography>
      )}
      {download.error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {download.error.message}
        </Alert>
      )}
    </Box>
  );
}

export function DownloadCard({ downloads, onError }: { downloads: ModelDownload[]; onError(text: string): void }) {
  const [repo, setRepo] = useState(DEFAULT_REPO);
  const [revision, setRevision] = useState('main');
  const [endpoint, setEndpoint] = useState(hubSettings.endpoint);
  const [token, setToken] = useState(hubSettings.token);
  const [busy, setBusy] = useState(false);
  const { t } = useTranslation();
  const start = async () => {
    hubSettings.endpoint = endpoint;
    hubSettings.token = token;
    if (endpoint.trim()) localStorage.setItem(ENDPOINT_KEY, endpoint.trim());
    else localStorage.removeItem(ENDPOINT_KEY);
    setBusy(true);
    try {
      await startDownload(repo.trim() || DEFAULT_REPO, revision.trim() || 'main');
    } catch (err) {
      onError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const shown = [...downloads].sort((a, b) => b.startedAt - a.startedAt);
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" component="h3">
          {t('models.download.title')}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {t('models.download.help')}
        </Typography>
        <Box
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
          sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 1.5 }}
        >
          <TextField size="small" label={t('models.download.repo')} value={repo} onChange={(e) => setRepo(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'download-repo' } }} />
          <TextField size="small" label={t('models.download.revision')} helperText={t('models.download.revisionHelp')} value={revision} onChange={(e) => setRevision(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'download-revision' } }} />
          <TextField
            size="small"
            label={t('models.download.endpoint')}
            placeholder="https://huggingface.co"
            helperText={t('models.download.endpointHelp')}
            value={endpoint}
            onChange={(e) => {
              setEndpoint(e.target.value);
              hubSettings.endpoint = e.target.value;
            }}
            slotProps={{ htmlInput: { 'data-testid': 'download-endpoint' } }}
          />
          <TextField
            size="small"
            type="password"
            label={t('models.download.token')}
            helperText={t('models.download.tokenHelp')}
            value={token}
            autoComplete="off"
            onChange={(e) => {
              setToken(e.target.value);
              hubSettings.token = e.target.value;
            }}
            slotProps={{ htmlInput: { 'data-testid': 'download-token' } }}
          />
          <Box>
            <Button type="submit" variant="contained" disabled={busy} data-testid="download-start">
              {t('models.download.start')}
            </Button>
          </Box>
        </Box>
        {shown.length > 0 && (
          <Box sx={{ mt: 2 }} aria-label={t('models.download.list')} role="region">
            {shown.map((d) => (
              <DownloadRow key={d.id} download={d} onError={onError} />
            ))}
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
