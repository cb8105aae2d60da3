/** The queue: running, waiting (reorder with buttons or Alt+↑/↓), done, failed; cancel and retry. */
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import CancelIcon from '@mui/icons-material/Cancel';
import CloseIcon from '@mui/icons-material/Close';
import ReplayIcon from '@mui/icons-material/Replay';
import { Alert, Box, Drawer, IconButton, LinearProgress, List, ListItem, ListItemText, ListSubheader, Stack, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { ApiError, call } from '../api/client';
import { describeProgress } from '../generate';
import type { JobView } from '../jobs';
import { useJobs } from '../jobs/useJobs';

export function QueueDrawer({ open, onClose }: { open: boolean; onClose(): void }) {
  const { jobs, error } = useJobs();
  const [problem, setProblem] = useState<string | null>(null);
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
    <Drawer anchor="right" open={open} onClose={onClose} sx={{ zIndex: (t) => t.zIndex.modal }} slotProps={{ paper: { sx: { width: 380 }, 'aria-label': 'Queue' } as object }}>
      <Stack direction="row" sx={{ alignItems: 'center', p: 1.5, pl: 2 }}>
        <Typography variant="h6" component="h2" sx={{ flex: 1 }}>
          Queue
        </Typography>
        <IconButton aria-label="Close the queue" onClick={onClose}>
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
        <Section title="Running" empty="Nothing running." count={running.length} />
        {running.map((j) => {
          const v = j.progress ? describeProgress(j.progress) : null;
          return (
            <ListItem
              key={j.id}
              data-testid="queue-running"
              secondaryAction={
                <Tooltip title="Cancel">
                  <IconButton edge="end" aria-label={`Cancel "${short(j.request.prompt)}"`} onClick={() => run(call('jobs.cancel', { id: j.id }))}>
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
                    {v ? `${v.label}${v.count ? ` · ${v.count}` : ''}${v.eta ? ` · ${v.eta}` : ''}` : 'Starting'}
                    <LinearProgress variant="determinate" value={v ? (v.tokens + v.diffusion) / 2 : 0} sx={{ mt: 0.5 }} aria-label="Progress" />
                  </Box>
                }
              />
            </ListItem>
          );
        })}
        <Section title="Waiting" empty="No jobs waiting." count={waiting.length} />
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
                <IconButton size="small" aria-label="Move up" disabled={i === 0} onClick={() => move(j, i - 1)}>
                  <ArrowUpwardIcon fontSize="small" />
                </IconButton>
                <IconButton size="small" aria-label="Move down" disabled={i === waiting.length - 1} onClick={() => move(j, i + 1)}>
                  <ArrowDownwardIcon fontSize="small" />
                </IconButton>
                <IconButton size="small" edge="end" aria-label="Cancel" onClick={() => run(call('jobs.cancel', { id: j.id }))}>
                  <CancelIcon fontSize="small" />
                </IconButton>
              </Stack>
            }
          >
            <ListItemText primary={short(j.request.prompt)} secondary={`${i + 1}. ${j.request.mode} · ${j.request.width}×${j.request.height}`} sx={{ pr: 12 }} />
          </ListItem>
        ))}
        <Section title="Done" empty="Nothing finished yet." count={done.length} />
        {done.slice(0, 50).map((j) => (
          <ListItem key={j.id} data-testid="queue-done">
            <ListItemText primary={short(j.request.prompt)} secondary={`${j.generationIds.length} image${j.generationIds.length === 1 ? '' : 's'} · ${new Date(j.updatedAt).toLocaleTimeString()}`} />
          </ListItem>
        ))}
        <Section title="Failed or cancelled" empty="None." count={failed.length} />
        {failed.slice(0, 50).map((j) => (
          <ListItem
            key={j.id}
            data-testid="queue-failed"
            secondaryAction={
              <Tooltip title="Retry">
                <IconButton edge="end" aria-label={`Retry "${short(j.request.prompt)}"`} onClick={() => run(call('jobs.retry', { id: j.id }))}>
                  <ReplayIcon />
                </IconButton>
              </Tooltip>
            }
          >
            <ListItemText primary={short(j.request.prompt)} secondary={`${j.state}${j.error ? `: ${j.error.message}` : ''}`} />
          </ListItem>
        ))}
      </List>
    </Drawer>
  );
}

function Section({ title, empty, count }: { title: string; empty: string; count: number }) {
  return (
    <>
      <ListSubheader>
        {title} ({count})
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
  return s.length > 60 ? `${s.slice(0, 57)}…` : s || '(no prompt)';
}
