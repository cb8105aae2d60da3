/**
 * Where the next job runs: This computer, a server, or a pool; and, before anything is sent, what
 * that target cannot take from this request (contract targetLimits: the same rule the queue applies).
 */
import { Alert, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { BLOCKING_LIMITS, type LimitedRequest, targetLimits, type TargetLimit } from '../../../main/contract';
import { serversStore, targetFromValue, targetKind, targetName, targetStore, targetValue } from './store';
import { kindHelp, kindLabel, limitText } from './words';

export function useTarget() {
  const target = useSyncExternalStore(targetStore.subscribe, targetStore.getState);
  const servers = useSyncExternalStore(serversStore.subscribe, serversStore.getState);
  useEffect(() => serversStore.start(), []);
  const kind = targetKind(target, servers);
  return { target, servers, kind, name: targetName(target, servers) };
}

/** What the chosen target cannot take from the request, and the first reason it refuses the job (or null). */
export function useTargetLimits(request: LimitedRequest): { limits: TargetLimit[]; refusal: string | null } {
  const { t } = useTranslation();
  const { kind, name } = useTarget();
  if (kind === null) return { limits: [], refusal: t('servers.target.gone', { name }) };
  const limits = targetLimits(kind, request);
  const blocking = limits.find((l) => BLOCKING_LIMITS.includes(l));
  return { limits, refusal: blocking ? limitText(blocking, name) : null };
}

export function TargetPicker({ request }: { request: LimitedRequest }) {
  const { t } = useTranslation();
  const { target, servers, kind, name } = useTarget();
  const { limits } = useTargetLimits(request);
  if (servers.servers.length === 0) return null;
  return (
    <Stack sx={{ gap: 1 }} data-testid="target-picker">
      <TextField
        select
        size="small"
        label={t('servers.target.runOn')}
        value={targetValue(target)}
        onChange={(e) => targetStore.set(targetFromValue(e.target.value))}
        helperText={kind && kind !== 'local' ? kindHelp(kind) : t('servers.target.localHelp')}
        slotProps={{ htmlInput: { 'data-testid': 'target-select' } }}
      >
        <MenuItem value="local">{t('servers.target.local')}</MenuItem>
        {servers.servers.map((s) => (
          <MenuItem key={s.id} value={`server:${s.id}`}>
            {t('servers.target.server', { name: s.name, kind: kindLabel(s.kind) })}
            {s.failingUntil ? t('servers.target.failing') : ''}
          </MenuItem>
        ))}
        {servers.pools.map((p) => (
          <MenuItem key={p.name} value={`pool:${p.name}`}>
            {t('servers.target.pool', { name: p.name, count: p.servers.length })}
          </MenuItem>
        ))}
        {kind === null && <MenuItem value={targetValue(target)}>{name}</MenuItem>}
      </TextField>
      {limits.map((l) => (
        <Alert key={l} severity={BLOCKING_LIMITS.includes(l) ? 'error' : 'info'} data-testid={`target-limit-${l}`} sx={{ py: 0 }}>
          <Typography variant="body2">
            {limitText(l, name)}
          </Typography>
        </Alert>
      ))}
    </Stack>
  );
}
