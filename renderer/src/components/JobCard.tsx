/** One job: its two-phase progress with ETA, the coarse token preview and step previews, cancel/retry, and its results (each opens the gallery detail, with the result actions). */
import CancelIcon from '@mui/icons-material/Cancel';
import ReplayIcon from '@mui/icons-material/Replay';
import { Alert, Box, Button, Card, CardContent, Chip, LinearProgress, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, call } from '../api/client';
import { describeProgress } from '../generate';
import { fmt } from '../i18n';
import type { JobView } from '../jobs';
import { ResultGrid } from '../results/ResultGrid';

const STATE_COLOUR = { waiting: 'default', running: 'primary', done: 'success', failed: 'error', cancelled: 'default', interrupted: 'warning' } as const;

export function JobCard({ job, big = false }: { job: JobView; big?: boolean }) {
  const [problem, setProblem] = useState<string | null>(null);
  const { t } = useTranslation();
  const act = (method: 'jobs.cancel' | 'jobs.retry') => {
    setProblem(null);
    call(method, { id: job.id }).catch((e: unknown) => setProblem(e instanceof ApiError ? e.message : String(e)));
  };
  const view = job.progress ? describeProgress(job.progress) : null;
  const count = 'count' in job.request ? (job.request.count ?? 1) : 1;
  const bestByText = job.request.bestByText === true;
  return (
    <Card variant="outlined" data-testid="job-card" data-state={job.state}>
      <CardContent>
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mb: 1 }}>
          <Chip size="small" label={t(`job.state.${job.state}`)} color={STATE_COLOUR[job.state]} data-testid="job-state" />
          {job.server ? (
            <Chip size="small" variant="outlined" label={t('job.onServer', { name: job.server.name })} data-testid="job-server" />
          ) : (
            job.target.type !== 'local' && (
              <Chip size="small" variant="outlined" label={job.target.type === 'pool' ? t('job.onPool', { name: job.target.name }) : t('job.onAServer')} data-testid="job-server" />
            )
          )}
          <Typography variant="body2" sx={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={job.request.prompt}>
            {job.request.mode !== 'text' ? t('job.modePrefix', { mode: t(`modes.${job.request.mode}`) }) : ''}
            {job.request.prompt || t('job.noPrompt')}
          </Typography>
          {(job.state === 'running' || job.state === 'waiting') && (
            <Button size="small" color="inherit" startIcon={<CancelIcon />} onClick={() => act('jobs.cancel')} aria-label={t('job.cancelLabel')}>
              {t('common.cancel')}
            </Button>
          )}
          {(job.state === 'failed' || job.state === 'cancelled' || job.state === 'interrupted') && (
            <Button size="small" startIcon={<ReplayIcon />} onClick={() => act('jobs.retry')} aria-label={t('job.retryLabel')}>
              {t('common.retry')}
            </Button>
          )}
        </Stack>
        {job.state === 'running' && view && (
          <Box data-testid="job-progress" aria-live="polite">
            <Typography variant="subtitle2">
              {view.label}
              {count > 1 ? t('job.imageOf', { n: (job.progress?.image ?? 0) + 1, count }) : ''}
            </Typography>
            {job.progress?.phase === 'remote' ? (
              <Stack sx={{ gap: 0.5, my: 1 }}>
                {view.remote === null ? (
                  <LinearProgress sx={{ height: 8, borderRadius: 4 }} aria-label={t('progress.phase.remote')} data-testid="phase-remote" />
                ) : (
                  <PhaseBar label={t('progress.phase.remote')} value={view.remote} testId="phase-remote" />
                )}
              </Stack>
            ) : (
              <Stack sx={{ gap: 0.5, my: 1 }}>
                <PhaseBar label={t('job.phaseTokens')} value={view.tokens} testId="phase-tokens" />
                <PhaseBar label={t('job.phaseDiffusion')} value={view.diffusion} testId="phase-diffusion" />
              </Stack>
            )}
            <Typography variant="caption" color="text.secondary" data-testid="job-count">
              {[view.count, view.eta].filter(Boolean).join(' · ') || '\u00a0'}
            </Typography>
          </Box>
        )}
        {job.state === 'waiting' && <Typography variant="body2" color="text.secondary">{job.position === 0 ? t('job.runsNext') : t('job.waiting', { count: job.position })}</Typography>}
        {(job.tokenPreview || job.stepPreviews.length > 0) && job.state === 'running' && (
          <Stack direction="row" sx={{ gap: 1, mt: 1, alignItems: 'flex-end', flexWrap: 'wrap' }} data-testid="job-previews">
            {job.tokenPreview && (
              <figure style={{ margin: 0 }}>
                <img src={job.tokenPreview} alt={t('job.tokenPreviewAlt')} width={big ? 160 : 96} style={{ imageRendering: 'pixelated', borderRadius: 6, display: 'block' }} />
                <Typography component="figcaption" variant="caption" color="text.secondary">
                  {t('job.tokenGrid')}
                </Typography>
              </figure>
            )}
            {job.stepPreviews.map((src, i) => (
              <img key={i} src={src} alt={t('job.stepPreviewAlt', { n: i + 1 })} width={big && i === job.stepPreviews.length - 1 ? 160 : 64} style={{ borderRadius: 6, display: 'block' }} />
            ))}
          </Stack>
        )}
        {job.error && job.state !== 'cancelled' && (
          <Alert severity={job.state === 'interrupted' ? 'warning' : 'error'} sx={{ mt: 1 }} data-testid="job-error">
            {job.error.message}
          </Alert>
        )}
        {job.state === 'cancelled' && <Typography variant="body2" color="text.secondary">{t('job.cancelled')}</Typography>}
        {bestByText && job.state === 'done' && job.generationIds.length > 1 && (
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }} data-testid="best-of-note">
            {t('textCheck.bestOfNote', { count: job.generationIds.length })}
          </Typography>
        )}
        <ResultGrid job={job} big={big} bestFirst={bestByText} />
        {problem && (
          <Alert severity="error" sx={{ mt: 1 }} onClose={() => setProblem(null)}>
            {problem}
          </Alert>
        )}
      </CardContent>
    </Card>
  );
}

function PhaseBar({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Stack direction="row" sx={{ alignItems: 'center', gap: 1 }}>
      <Typography variant="caption" sx={{ width: 110, flexShrink: 0 }}>
        {label}
      </Typography>
      <LinearProgress variant="determinate" value={value} sx={{ flex: 1, height: 8, borderRadius: 4 }} aria-label={label} data-testid={testId} />
      <Typography variant="caption" sx={{ width: 36, textAlign: 'right' }}>
        {fmt.percent(value / 100)}
      </Typography>
    </Stack>
  );
}
