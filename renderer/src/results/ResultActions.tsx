/**
 * What can be done with a finished image, the same set on a result card and in the gallery detail:
 * edit on canvas, vary details, vary composition, download, copy seed, copy prompt. Compact: icons
 * with their names as tooltips and labels for screen readers.
 */
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DownloadIcon from '@mui/icons-material/Download';
import EditIcon from '@mui/icons-material/Edit';
import ReplayIcon from '@mui/icons-material/Replay';
import ShuffleIcon from '@mui/icons-material/Shuffle';
import TagIcon from '@mui/icons-material/Tag';
import { Button, IconButton, Stack, Tooltip } from '@mui/material';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { notify } from '../app/notify';
import type { Generation } from '../library/client';
import { canVary, copyPrompt, copySeed, download, editOnCanvas, varyComposition, varyDetails } from './actions';

interface Action {
  id: string;
  label: string;
  tip?: string;
  icon: ReactNode;
  disabled?: boolean;
  run(): void | Promise<string | void>;
}

async function run(action: Action): Promise<void> {
  try {
    const done = await action.run();
    if (done) notify(done);
  } catch (err) {
    notify(err instanceof ApiError || err instanceof Error ? err.message : String(err), { severity: 'error' });
  }
}

export function ResultActions({ g, compact = false }: { g: Generation; compact?: boolean }) {
  const { t } = useTranslation();
  const vary = canVary(g);
  const actions: Action[] = [
    { id: 'edit', label: t('detail.editInCanvas'), icon: <EditIcon fontSize="small" />, disabled: !g.media, run: () => editOnCanvas(g) },
    { id: 'vary-details', label: t('detail.varyDetails'), tip: vary ? t('detail.varyDetailsTip') : t('detail.textOnly'), icon: <ReplayIcon fontSize="small" />, disabled: !vary, run: () => varyDetails(g) },
    { id: 'vary-composition', label: t('detail.varyComposition'), tip: vary ? t('detail.varyCompositionTip') : t('detail.textOnly'), icon: <ShuffleIcon fontSize="small" />, disabled: !vary, run: () => varyComposition(g) },
    { id: 'download', label: t('detail.download'), icon: <DownloadIcon fontSize="small" />, disabled: !g.media, run: () => download(g) },
    { id: 'copy-seed', label: t('results.copySeed'), icon: <TagIcon fontSize="small" />, disabled: g.seed === null, run: () => copySeed(g) },
    { id: 'copy-prompt', label: t('detail.copyPrompt'), icon: <ContentCopyIcon fontSize="small" />, run: () => copyPrompt(g) },
  ];
  return (
    <Stack direction="row" sx={{ gap: compact ? 0 : 1, flexWrap: 'wrap' }} role="group" aria-label={t('results.actions')} data-testid="result-actions">
      {actions.map((a) =>
        compact ? (
          <Tooltip key={a.id} title={a.tip ? `${a.label}: ${a.tip}` : a.label}>
            <span>
              <IconButton size="small" aria-label={a.label} disabled={a.disabled} onClick={() => void run(a)} data-testid={`action-${a.id}`}>
                {a.icon}
              </IconButton>
            </span>
          </Tooltip>
        ) : (
          <Tooltip key={a.id} title={a.tip ?? ''}>
            <span>
              <Button size="small" variant="outlined" startIcon={a.icon} disabled={a.disabled} onClick={() => void run(a)} data-testid={`action-${a.id}`}>
                {a.label}
              </Button>
            </span>
          </Tooltip>
        ),
      )}
    </Stack>
  );
}
