/** The queue: running, waiting (reorder with buttons or Alt+↑/↓), done (each opens its image in the gallery detail), failed; cancel and retry. */
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import CancelIcon from '@mui/icons-material/Cancel';
import CloseIcon from '@mui/icons-material/Close';
import ReplayIcon from '@mui/icons-material/Replay';
import { Alert, Box, Drawer, IconButton, LinearProgress, List, ListItem, ListItemButton, ListItemText, ListSubheader, Stack, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt, t as translate } from '../i18n';
import { ApiError, call } from '../api/client';
import { openDetail } from '../app/detail';
import { mediaUrl } from '../media';
import { useGenerations } from '../library/useGenerations';
import { describeProgress } from '../generate';
import type { JobView } from '../jobs';
import { useJobs } from '../jobs/useJobs';

export function QueueDrawer({ open, onClose }: { open: boolean; onClose(): void }) {
  const { jobs, error } = useJobs();
  const [problem, setProblem] = useState<string | null>(null);
  const { t } = useTranslation();
  const run = (p: Promise<unknown>) => {
    setProblem(null);
    p.catch((e: unknown) => setProblem(e instanceof ApiError ? e.message : String(e)));
  };
  const running = jobs.filter((j) => j.state === 'running');
  const waiting = jobs.filter((j) => j.state === 'waiting').sort((a, b) => a.position - b.position);
  const done = jobs.filter((j) => j.state === 'done');
  const failed = jobs.filter((j) => j.state === 'failed' || j.state === 'cancelled' || j.state === 'interrupted');
  const move = (j: JobView, position: number) => run(call('jobs.reorder', { id: j.id, position: Math.max(0, position) }));
  return (
    <Drawer anchor="right" open={open} onClose={onClose} sx={{ zIndex: (t) => t.zIndex.modal }} slotProps={{ paper: { sx: { width: 380, maxWidth: '100vw' }, 'aria-label': t('queue.title') } as object }}>
      <Stack direction="row" sx={{ alignItems: 'center', p: 1.5, pl: 2 }}>
        <Typography variant="h6" component="h2" sx={{ flex: 1 }}>
          {t('queue.title')}
        </Typography>
        <IconButton aria-label={t('queue.close')} onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </Stack>
      {error && <Alert severity="error" sx={{ mx: 2 }}>{error}</Alert>}
      {problem && (
        <Alert severity="error" sx={{ mx: 2 }} onClose={() => setProblem(null)}>
          {problem}
        </Alert>
      )}
      <List dense data-testid="queue-list">
        <Section title={t('queue.running')} empty={t('queue.noneRunning')} count={running.length} />
        {running.map((j) => {
          const v = j.progress ? describeProgress(j.progress) : null;
          return (
            <ListItem
              key={j.id}
              data-testid="queue-running"
              secondaryAction={
                <Tooltip title={t('common.cancel')}>
                  <IconButton edge="end" aria-label={t('queue.cancelNamed', { prompt: short(j.request.prompt) })} onClick={() => run(call('jobs.cancel', { id: j.id }))}>
                    <CancelIcon />
                  </IconButton>
                </Tooltip>
              }
            >
              <ListItemText
                primary={short(j.request.prompt)}
                slotProps={{ secondary: { component: 'div' } }}
                secondary={
                  <Box>
                    {v ? [v.label, v.count, v.eta].filter(Boolean).join(' · ') : t('queue.starting')}
                    <LinearProgress variant="determinate" value={v ? (v.tokens + v.diffusion) / 2 : 0} sx={{ mt: 0.5 }} aria-label={t('queue.progress')} />
                  </Box>
                }
              />
            </ListItem>
          );
        })}
        <Section title={t('queue.waiting')} empty={t('queue.noneWaiting')} count={waiting.length} />
        {waiting.map((j, i) => (
          <ListItem
            key={j.id}
            data-testid="queue-waiting"
            tabIndex={0}
            onKeyDown={(e) => {
              if (e.altKey && e.key === 'ArrowUp') move(j, i - 1);
              if (e.altKey && e.key === 'ArrowDown') move(j, i + 1);
            }}
            secondaryAction={
              <Stack direction="row">
                <IconButton size="small" aria-label={t('queue.moveUp')} disabled={i === 0} onClick={() => move(j, i - 1)}>
                  <ArrowUpwardIcon fontSize="small" />
                </IconButton>
                <IconButton size="small" aria-label={t('queue.moveDown')} disabled={i === waiting.length - 1} onClick={() => move(j, i + 1)}>
                  <ArrowDownwardIcon fontSize="small" />
                </IconButton>
                <IconButton size="small" edge="end" aria-label={t('common.cancel')} onClick={() => run(call('jobs.cancel', { id: j.id }))}>
                  <CancelIcon fontSize="small" />
                </IconButton>
              </Stack>
            }
          >
            <ListItemText primary={short(j.request.prompt)} secondary={t('queue.waitingLine', { n: i + 1, mode: t(`modes.${j.request.mode}`), width: j.request.width, height: j.request.height })} sx={{ pr: 12 }} />
          </ListItem>
        ))}
        <Section title={t('queue.done')} empty={t('queue.noneDone')} count={done.length} />
        {done.slice(0, 50).map((j) => (
          <DoneRow key={j.id} job={j} onOpen={onClose} />
        ))}
        <Section title={t('queue.failed')} empty={t('queue.noneFailed')} count={failed.length} />
        {failed.slice(0, 50).map((j) => (
          <ListItem
            key={j.id}
            data-testid="queue-failed"
            secondaryAction={
              <Tooltip title={t('common.retry')}>
                <IconButton edge="end" aria-label={t('queue.retryNamed', { prompt: short(j.request.prompt) })} onClick={() => run(call('jobs.retry', { id: j.id }))}>
                  <ReplayIcon />
                </IconButton>
              </Tooltip>
            }
          >
            <ListItemText primary={short(j.request.prompt)} secondary={j.error ? t('queue.failedLine', { state: t(`job.state.${j.state}`), message: j.error.message }) : t(`job.state.${j.state}`)} />
          </ListItem>
        ))}
      </List>
    </Drawer>
  );
}

/** A finished job: its first image small; the row opens it in the gallery detail. */
function DoneRow({ job, onOpen }: { job: JobView; onOpen(): void }) {
  const { t } = useTranslation();
  const [first] = useGenerations(job.generationIds.slice(0, 1));
  const id = job.generationIds[0];
  return (
    <ListItemButton
      data-testid="queue-done"
      data-id={id}
      disabled={!id}
      onClick={() => {
        if (!id) return;
        onOpen();
        openDetail(id);
      }}
      aria-label={t('queue.openDone', { prompt: short(job.request.prompt) })}
    >
      {first?.media && <Box component="img" src={mediaUrl(first.media.thumbs[256])} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1.5, flexShrink: 0 }} />}
      <ListItemText
        primary={short(job.request.prompt)}
        secondary={t('queue.doneLine', { count: job.generationIds.length, time: fmt.time(job.updatedAt) })}
        slotProps={{ primary: { noWrap: true } }}
        sx={{ minWidth: 0 }}
      />
    </ListItemButton>
  );
}

function Section({ title, empty, count }: { title: string; empty: string; count: number }) {
  return (
    <>
      <ListSubheader>
        {translate('queue.sectionCount', { title, count })}
      </ListSubheader>
      {count === 0 && (
        <ListItem>
          <ListItemText secondary={empty} />
        </ListItem>
      )}
    </>
  );
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s || translate('job.noPrompt');
}
