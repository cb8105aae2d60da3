/** One job: its two-phase progress with ETA, the coarse token preview and step previews, cancel/retry, and its results. */
import CancelIcon from '@mui/icons-material/Cancel';
import ReplayIcon from '@mui/icons-material/Replay';
import { Alert, Box, Button, Card, CardContent, Chip, LinearProgress, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { ApiError, call } from '../api/client';
import { describeProgress } from '../generate';
import type { JobView } from '../jobs';
import { ResultImage } from './ResultImage';
import { TEXT_CHECK_STRINGS } from '../text-check';

const STATE_COLOUR = { waiting: 'default', running: 'primary', done: 'success', failed: 'error', cancelled: 'default', interrupted: 'warning' } as const;

export function JobCard({ job, big = false }: { job: JobView; big?: boolean }) {
  const [problem, setProblem] = useState<string | null>(null);
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
          <Chip size="small" label={job.state} color={STATE_COLOUR[job.state]} data-testid="job-state" />
          <Typography variant="body2" sx={{ flex: 1, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={job.request.prompt}>
            {job.request.mode !== 'text' ? `${job.request.mode}: ` : ''}
            {job.request.prompt || '(no prompt)'}
          </Typography>
          {(job.state === 'running' || job.state === 'waiting') && (
            <Button size="small" color="inherit" startIcon={<CancelIcon />} onClick={() => act('jobs.cancel')} aria-label="Cancel this job">
              Cancel
            </Button>
          )}
          {(job.state === 'failed' || job.state === 'cancelled' || job.state === 'interrupted') && (
            <Button size="small" startIcon={<ReplayIcon />} onClick={() => act('jobs.retry')} aria-label="Retry this job">
              Retry
            </Button>
          )}
        </Stack>
        {job.state === 'running' && view && (
          <Box data-testid="job-progress" aria-live="polite">
            <Typography variant="subtitle2">
              {view.label}
              {count > 1 ? ` · image ${(job.progress?.image ?? 0) + 1} of ${count}` : ''}
            </Typography>
            <Stack sx={{ gap: 0.5, my: 1 }}>
              <PhaseBar label="Visual tokens" value={view.tokens} testId="phase-tokens" />
              <PhaseBar label="Diffusion steps" value={view.diffusion} testId="phase-diffusion" />
            </Stack>
            <Typography variant="caption" color="text.secondary" data-testid="job-count">
              {[view.count, view.eta].filter(Boolean).join(' · ') || '\u00a0'}
            </Typography>
          </Box>
        )}
        {job.state === 'waiting' && <Typography variant="body2" color="text.secondary">{job.position === 0 ? 'Runs next.' : `Waiting: ${job.position} ahead.`}</Typography>}
        {(job.tokenPreview || job.stepPreviews.length > 0) && job.state === 'running' && (
          <Stack direction="row" sx={{ gap: 1, mt: 1, alignItems: 'flex-end', flexWrap: 'wrap' }} data-testid="job-previews">
            {job.tokenPreview && (
              <figure style={{ margin: 0 }}>
                <img src={job.tokenPreview} alt="Coarse preview from the token grid" width={big ? 160 : 96} style={{ imageRendering: 'pixelated', borderRadius: 6, display: 'block' }} />
                <Typography component="figcaption" variant="caption" color="text.secondary">
                  Token grid
                </Typography>
              </figure>
            )}
            {job.stepPreviews.map((src, i) => (
              <img key={i} src={src} alt={`Diffusion step preview ${i + 1}`} width={big && i === job.stepPreviews.length - 1 ? 160 : 64} style={{ borderRadius: 6, display: 'block' }} />
            ))}
          </Stack>
        )}
        {job.error && job.state !== 'cancelled' && (
          <Alert severity={job.state === 'interrupted' ? 'warning' : 'error'} sx={{ mt: 1 }} data-testid="job-error">
            {job.error.message}
          </Alert>
        )}
        {job.state === 'cancelled' && <Typography variant="body2" color="text.secondary">Cancelled.</Typography>}
        {bestByText && job.state === 'done' && job.generationIds.length > 1 && (
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }} data-testid="best-of-note">
            {TEXT_CHECK_STRINGS.bestOfNote(job.generationIds.length)}
          </Typography>
        )}
        {job.generationIds.length > 0 && (
          <Stack direction="row" sx={{ gap: 1, mt: 1, flexWrap: 'wrap' }}>
            {job.generationIds.map((id, i) => (
              // best of N by text: the best (first once ranked) big, the candidates beside it small
              <ResultImage key={id} generationId={id} size={big && (i === 0 || !bestByText) ? 512 : 96} />
            ))}
          </Stack>
        )}
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
        {Math.round(value)}%
      </Typography>
    </Stack>
  );
}
