/**
 * Every model the app knows: checkpoints (downloaded, imported, used in place, in the HF cache) and
 * compiled models, each under its one name with its precision as a chip. A folder being compiled
 * shows the compile's own progress (one truth with the compile card).
 */
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import { Box, Button, Chip, IconButton, LinearProgress, Stack, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { ModelCompile, ModelInfo } from '../../../main/contract';
import { compileFraction, CompileProgressLine } from './CompileCard';
import { formatBytes } from './format';

const STATUS_COLOR: Record<ModelInfo['status'], 'success' | 'info' | 'warning' | 'error' | 'default'> = {
  ready: 'success',
  partial: 'info',
  incomplete: 'warning',
  stale: 'warning',
  missing: 'error',
  unknown: 'default',
  compiling: 'info',
};

export interface ModelActions {
  use(model: ModelInfo): void;
  compile(model: ModelInfo): void;
  resume(model: ModelInfo): void;
  remove(model: ModelInfo): void;
}

export function ModelTable({ models, inUse, busy, actions, compiles }: { models: ModelInfo[]; inUse: string | null; busy: boolean; actions: ModelActions; compiles: ModelCompile[] }) {
  const { t } = useTranslation();
  if (models.length === 0) {
    return (
      <Typography color="text.secondary" sx={{ p: 2 }} data-testid="models-empty">
        {t('models.empty')}
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={t('nav.models')}>
      <TableHead>
        <TableRow>
          <TableCell>{t('models.col.name')}</TableCell>
          <TableCell>{t('models.col.source')}</TableCell>
          <TableCell align="right">{t('models.col.size')}</TableCell>
          <TableCell>{t('models.col.status')}</TableCell>
          <TableCell align="right">{t('models.col.actions')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {models.map((m) => {
          const used = inUse !== null && inUse === m.path;
          // while a compile writes into this folder, its job is the truth (the list said 'compiling' when asked)
          const compile = compiles.find((c) => c.dir === m.path && (c.state === 'running' || m.status === 'compiling'));
          const status = compile?.state === 'running' ? 'compiling' : m.status === 'compiling' ? (compile?.state === 'done' ? 'ready' : 'incomplete') : m.status;
          return (
            <TableRow key={m.id} data-testid="model-row" data-model-id={m.id} data-status={status} selected={used}>
              <TableCell sx={{ maxWidth: 280 }}>
                <Stack direction="row" sx={{ gap: 0.75, alignItems: 'center', flexWrap: 'wrap' }}>
                  <Typography variant="body2" sx={{ fontWeight: 600, wordBreak: 'break-word' }} data-testid="model-name">
                    {m.name}
                  </Typography>
                  {m.precision && <Chip size="small" variant="outlined" label={m.precision} data-testid="model-precision" />}
                </Stack>
                <Typography variant="caption" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
                  {m.path}
                </Typography>
              </TableCell>
              <TableCell>{t(`models.source.${m.source}`)}</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {m.sizeBytes > 0 ? formatBytes(m.sizeBytes) : '—'}
              </TableCell>
              <TableCell sx={{ maxWidth: 320 }}>
                <Stack direction="row" sx={{ gap: 0.5, flexWrap: 'wrap', mb: 0.5 }}>
                  <Chip size="small" color={STATUS_COLOR[status]} label={t(`models.status.${status}`)} data-testid="model-status" data-status={status} />
                  {used && <Chip size="small" variant="outlined" color="primary" label={t('models.inUseChip')} data-testid="model-in-use" />}
                </Stack>
                {compile?.state === 'running' ? (
                  <Box data-testid="model-compile-progress">
                    <LinearProgress variant={compile.progress ? 'determinate' : 'indeterminate'} value={100 * compileFraction(compile)} sx={{ my: 0.5 }} aria-label={t('models.compileOf', { name: m.name })} />
                    <CompileProgressLine compile={compile} variant="caption" />
                  </Box>
                ) : (
                  status !== 'ready' && (
                    <Typography variant="caption" color="text.secondary" component="div">
                      {m.detail}
                    </Typography>
                  )
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
                        {t('models.andMore', { count: m.problems.length - 3 })}
                      </Typography>
                    )}
                  </Box>
                )}
              </TableCell>
              <TableCell align="right">
                <Stack direction="row" sx={{ gap: 0.5, justifyContent: 'flex-end', alignItems: 'center', flexWrap: 'wrap' }}>
                  {m.status === 'ready' && !used && (
                    <Button size="small" variant="outlined" disabled={busy} onClick={() => actions.use(m)} aria-label={t('models.useNamed', { name: m.name })}>
                      {t('models.use')}
                    </Button>
                  )}
                  {m.kind === 'checkpoint' && m.status === 'ready' && (
                    <Button size="small" disabled={busy} onClick={() => actions.compile(m)} aria-label={t('models.compileNamed', { name: m.name })}>
                      {t('models.compile')}
                    </Button>
                  )}
                  {m.status === 'partial' && m.repo && (
                    <Button size="small" disabled={busy} onClick={() => actions.resume(m)} aria-label={t('models.resumeNamed', { name: m.name })}>
                      {t('models.resumeDownload')}
                    </Button>
                  )}
                  {m.source !== 'hf-cache' && (
                    <Tooltip title={m.source === 'reference' ? t('models.forgetTip') : t('models.removeTip')}>
                      <span>
                        <IconButton size="small" disabled={busy} onClick={() => actions.remove(m)} aria-label={t('models.removeNamed', { name: m.name })}>
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
