/** Every model the app knows: checkpoints (downloaded, imported, used in place, in the HF cache) and compiled models. */
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import { Box, Button, Chip, IconButton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import type { ModelInfo } from '../../../main/contract';
import { formatBytes } from './format';

const SOURCE_LABEL: Record<ModelInfo['source'], string> = {
  download: 'download',
  import: 'import (copy)',
  reference: 'import (in place)',
  'hf-cache': 'HF cache',
  compiled: 'compiled',
};

const STATUS_COLOR: Record<ModelInfo['status'], 'success' | 'info' | 'warning' | 'error' | 'default'> = {
  ready: 'success',
  partial: 'info',
  incomplete: 'warning',
  stale: 'warning',
  missing: 'error',
  unknown: 'default',
};

export interface ModelActions {
  use(model: ModelInfo): void;
  compile(model: ModelInfo): void;
  resume(model: ModelInfo): void;
  remove(model: ModelInfo): void;
}

export function ModelTable({ models, inUse, busy, actions }: { models: ModelInfo[]; inUse: string | null; busy: boolean; actions: ModelActions }) {
  if (models.length === 0) {
    return (
      <Typography color="text.secondary" sx={{ p: 2 }} data-testid="models-empty">
        No model yet. Download GLM-Image, import a folder that holds it, or look in the Hugging Face cache below.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Models">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Source</TableCell>
          <TableCell align="right">Size</TableCell>
          <TableCell>Precision</TableCell>
          <TableCell>Status</TableCell>
          <TableCell align="right">Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {models.map((m) => {
          const used = inUse !== null && inUse === m.path;
          return (
            <TableRow key={m.id} data-testid="model-row" data-model-id={m.id} data-status={m.status} selected={used}>
              <TableCell sx={{ maxWidth: 280 }}>
                <Typography variant="body2" sx={{ fontWeight: 600, wordBreak: 'break-word' }}>
                  {m.name}
                </Typography>
                <Typography variant="caption" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
                  {m.path}
                </Typography>
              </TableCell>
              <TableCell>{SOURCE_LABEL[m.source]}</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {m.sizeBytes > 0 ? formatBytes(m.sizeBytes) : '—'}
              </TableCell>
              <TableCell>{m.precision ?? '—'}</TableCell>
              <TableCell sx={{ maxWidth: 320 }}>
                <Stack direction="row" sx={{ gap: 0.5, flexWrap: 'wrap', mb: 0.5 }}>
                  <Chip size="small" color={STATUS_COLOR[m.status]} label={m.status} data-testid="model-status" />
                  {used && <Chip size="small" variant="outlined" color="primary" label="in use" data-testid="model-in-use" />}
                </Stack>
                {m.status !== 'ready' && (
                  <Typography variant="caption" color="text.secondary" component="div">
                    {m.detail}
                  </Typography>
                )}
                {m.problems.length > 0 && (
                  <Box component="ul" sx={{ m: 0, pl: 2 }}>
                    {m.problems.slice(0, 3).map((p) => (
                      <Typography key={p.path + p.kind} component="li" variant="caption" color="warning.main">
                        {p.message}
                      </Typography>
                    ))}
                    {m.problems.length > 3 && (
                      <Typography component="li" variant="caption" color="text.secondary">
                        and {m.problems.length - 3} more
                      </Typography>
                    )}
                  </Box>
                )}
              </TableCell>
              <TableCell align="right">
                <Stack direction="row" sx={{ gap: 0.5, justifyContent: 'flex-end', alignItems: 'center', flexWrap: 'wrap' }}>
                  {m.status === 'ready' && !used && (
                    <Button size="small" variant="outlined" disabled={busy} onClick={() => actions.use(m)} aria-label={`Use ${m.name}`}>
                      Use this model
                    </Button>
                  )}
                  {m.kind === 'checkpoint' && m.status === 'ready' && (
                    <Button size="small" disabled={busy} onClick={() => actions.compile(m)} aria-label={`Compile ${m.name}`}>
                      Compile…
                    </Button>
                  )}
                  {m.status === 'partial' && m.repo && (
                    <Button size="small" disabled={busy} onClick={() => actions.resume(m)} aria-label={`Resume the download of ${m.name}`}>
                      Resume download
                    </Button>
                  )}
                  {m.source !== 'hf-cache' && (
                    <Tooltip title={m.source === 'reference' ? 'Forget (the folder stays on disk)' : 'Remove from disk'}>
                      <span>
                        <IconButton size="small" disabled={busy} onClick={() => actions.remove(m)} aria-label={`Remove ${m.name}`}>
                          <DeleteIcon fontSize="small" />
                        </IconButton>
                      </span>
                    </Tooltip>
                  )}
                </Stack>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
