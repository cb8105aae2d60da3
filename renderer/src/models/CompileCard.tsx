/**
 * Compiles under way or finished: the module being built, the layer being read with bytes and an
 * ETA, the modules done so far, cancel and resume. The models table shows the same line for a folder
 * being compiled.
 */
import { Alert, Box, Button, Card, CardContent, Chip, LinearProgress, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelCompile } from '../../../main/contract';
import { call } from '../api/client';
import { errorText, formatBytes, formatDuration } from './format';
import type { ModuleState } from './store';

const STATE_COLOR: Record<ModelCompile['state'], 'info' | 'success' | 'error' | 'warning'> = {
  running: 'info',
  done: 'success',
  failed: 'error',
  cancelled: 'warning',
};

/** How far a compile is, 0..1 (modules done, and the bytes read of the one building). */
export function compileFraction(c: ModelCompile): number {
  if (c.state === 'done') return 1;
  const p = c.progress;
  if (!p || p.total === 0) return 0;
  const inModule = p.state === 'start' ? (p.tensors && p.tensors.bytesTotal > 0 ? p.tensors.bytesDone / p.tensors.bytesTotal : 0) : 1;
  return (p.index - 1 + inModule) / p.total;
}

/** Module n of N, the layer being read with its bytes, and the ETA of that module. */
export function CompileProgressLine({ compile, variant = 'body2' }: { compile: ModelCompile; variant?: 'body2' | 'caption' }) {
  const { t } = useTranslation();
  const p = compile.progress;
  if (!p) return null;
  const tensors = compile.state !== 'done' && p.state === 'start' ? p.tensors : undefined;
  return (
    <Typography variant={variant} component="div" data-testid="compile-progress" sx={{ overflowWrap: 'anywhere' }}>
      {compile.state === 'done'
        ? t('models.allModules', { count: p.total })
        : t('models.moduleLine', { index: p.index, total: p.total, module: p.module, state: t(`models.moduleState.${p.state}`) })}
      {tensors &&
        t('models.tensorsLine', {
          group: tensors.group ?? tensors.last,
          done: tensors.done,
          total: tensors.total,
          bytesDone: formatBytes(tensors.bytesDone),
          bytesTotal: formatBytes(tensors.bytesTotal),
        })}
      {tensors && typeof tensors.etaSeconds === 'number' && tensors.etaSeconds > 0 && t('models.compileEta', { duration: formatDuration(tensors.etaSeconds) })}
    </Typography>
  );
}

function baseName(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).pop() ?? p;
}

function CompileRow({ compile, modules, onError }: { compile: ModelCompile; modules: { module: string; state: ModuleState }[]; onError(text: string): void }) {
  const [busy, setBusy] = useState(false);
  const { t } = useTranslation();
  const p = compile.progress;
  const label = `${baseName(compile.source)} → ${compile.precisionLabel}`;
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
  return (
    <Box sx={{ py: 1.5, borderTop: 1, borderColor: 'divider' }} data-testid="compile" data-compile-id={compile.id} data-state={compile.state}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="body2" sx={{ fontWeight: 600, flex: 1, wordBreak: 'break-all' }}>
          {label}
        </Typography>
        <Chip size="small" color={STATE_COLOR[compile.state]} label={t(`models.compileState.${compile.state}`)} data-testid="compile-state" data-state={compile.state} />
        {compile.state === 'running' && (
          <Button size="small" color="error" disabled={busy} onClick={() => void act(() => call('models.compile.cancel', { id: compile.id }))} aria-label={t('models.cancelCompile', { name: label })}>
            {t('common.cancel')}
          </Button>
        )}
        {(compile.state === 'cancelled' || compile.state === 'failed') && (
          <Button size="small" variant="outlined" disabled={busy} onClick={() => void act(() => call('models.compile.start', { path: compile.source, precision: compile.precision }))} aria-label={t('models.resumeCompile', { name: label })}>
            {t('common.resume')}
          </Button>
        )}
      </Stack>
      <LinearProgress
        variant={compile.state === 'running' && !p ? 'indeterminate' : 'determinate'}
        value={100 * compileFraction(compile)}
        sx={{ my: 1, height: 8, borderRadius: 1 }}
        aria-label={t('models.compileOf', { name: label })}
      />
      <CompileProgressLine compile={compile} />
      {modules.length > 0 && (
        <Stack direction="row" sx={{ gap: 0.5, mt: 0.5, flexWrap: 'wrap' }} aria-label={t('models.modules')} data-testid="compile-modules">
          {modules.map((m) => (
            <Chip
              key={m.module}
              size="small"
              variant={m.state === 'start' ? 'outlined' : 'filled'}
              color={m.state === 'start' ? 'info' : 'success'}
              label={t('models.moduleChip', { module: m.module, state: t(`models.moduleChipState.${m.state}`) })}
              data-module={m.module}
              data-module-state={m.state}
            />
          ))}
        </Stack>
      )}
      {compile.state === 'cancelled' && (
        <Typography variant="caption" color="text.secondary" component="div">
          {t('models.compileCancelled')}
        </Typography>
      )}
      {compile.error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {compile.error.message}
        </Alert>
      )}
    </Box>
  );
}

export function CompileCard({ compiles, modules, onError }: { compiles: ModelCompile[]; modules: Record<string, { module: string; state: ModuleState }[]>; onError(text: string): void }) {
  const { t } = useTranslation();
  if (compiles.length === 0) return null;
  const shown = [...compiles].sort((a, b) => b.startedAt - a.startedAt);
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" component="h3">
          {t('models.compiles')}
        </Typography>
        <Box role="region" aria-label={t('models.compiles')}>
          {shown.map((c) => (
            <CompileRow key={c.id} compile={c} modules={modules[c.id] ?? []} onError={onError} />
          ))}
        </Box>
      </CardContent>
    </Card>
  );
}
