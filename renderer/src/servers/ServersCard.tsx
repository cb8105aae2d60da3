/**
 * Settings → Servers: the servers jobs may run on. Each shows its kind, URL, pool, whether a key is
 * set (never the key), its last test and whether its pool is skipping it; Test asks it what it is and
 * whether it answers; Remove forgets it. Add takes a name, URL, kind, key and pool, and can test the
 * server before it is added.
 */
import DeleteIcon from '@mui/icons-material/Delete';
import NetworkCheckIcon from '@mui/icons-material/NetworkCheck';
import { Alert, Box, Button, Card, CardContent, Chip, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { type ServerInfo, ServerKind, type ServerTest } from '../../../main/contract';
import { ApiError, call } from '../api/client';
import { serversStore } from './store';
import { kindHelp, kindLabel } from './words';

function errorText(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}

function TestResult({ test }: { test: ServerTest }) {
  const { t } = useTranslation();
  return (
    <Typography variant="body2" color={test.ok ? 'success.main' : 'error.main'} data-testid="server-test-result">
      {test.ok ? '✓ ' : '✗ '}
      {test.message}
      {test.latencyMs !== null ? t('servers.latency', { ms: test.latencyMs }) : ''}
    </Typography>
  );
}

function ServerRow({ server }: { server: ServerInfo }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await fn();
      await serversStore.reload();
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box sx={{ py: 1, borderTop: 1, borderColor: 'divider' }} data-testid="server-row" data-name={server.name}>
      <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="subtitle2" sx={{ mr: 1 }}>
          {server.name}
        </Typography>
        <Chip size="small" label={kindLabel(server.kind)} />
        {server.pool && <Chip size="small" variant="outlined" label={t('servers.pool', { pool: server.pool })} />}
        <Chip size="small" variant="outlined" label={server.keySet ? t('servers.keySet') : t('servers.noKey')} data-testid="server-key-state" />
        {server.failingUntil && <Chip size="small" color="warning" label={t('servers.skipped')} title={server.lastError ?? ''} />}
        <Box sx={{ flex: 1 }} />
        <Button size="small" startIcon={<NetworkCheckIcon />} disabled={busy} onClick={() => void run(() => call('servers.test', { id: server.id }))} data-testid="server-test">
          {t('servers.test')}
        </Button>
        <Button size="small" color="error" startIcon={<DeleteIcon />} disabled={busy} onClick={() => void run(() => call('servers.remove', { id: server.id }))} aria-label={t('servers.removeNamed', { name: server.name })} data-testid="server-remove">
          {t('servers.remove')}
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
        {server.url} · {t('servers.jobsDone', { count: server.jobsDone })}
      </Typography>
      {server.lastTest && <TestResult test={server.lastTest} />}
      {server.failingUntil && server.lastError && (
        <Typography variant="body2" color="warning.main">
          {t('servers.poolSkips', { error: server.lastError })}
        </Typography>
      )}
      {problem && (
        <Alert severity="error" sx={{ mt: 1 }} onClose={() => setProblem(null)}>
          {problem}
        </Alert>
      )}
    </Box>
  );
}

function AddServer() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [kind, setKind] = useState<ServerKind>('openai');
  const [key, setKey] = useState('');
  const [pool, setPool] = useState('');
  const [busy, setBusy] = useState(false);
  const [test, setTest] = useState<ServerTest | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const testIt = async () => {
    setBusy(true);
    setProblem(null);
    setTest(null);
    try {
      setTest(await call('servers.test', { url: url.trim(), kind, ...(key ? { key } : {}) }));
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const add = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const { server } = await call('servers.add', { name: name.trim(), url: url.trim(), kind, ...(key ? { key } : {}), ...(pool.trim() ? { pool: pool.trim() } : {}) });
      await call('servers.test', { id: server.id }).catch(() => undefined);
      await serversStore.reload();
      setName('');
      setUrl('');
      setKey('');
      setPool('');
      setTest(null);
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box component="form" aria-label={t('servers.add.title')} sx={{ mt: 2 }} onSubmit={(e) => (e.preventDefault(), void add())}>
      <Typography variant="subtitle2" sx={{ mb: 1 }}>
        {t('servers.add.title')}
      </Typography>
      <Stack sx={{ gap: 1.5 }}>
        <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap' }}>
          <TextField size="small" label={t('servers.add.name')} value={name} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'server-name', maxLength: 80 } }} />
          <TextField size="small" label={t('servers.add.url')} placeholder="http://gpu-box:8091" value={url} onChange={(e) => setUrl(e.target.value)} sx={{ flex: 1, minWidth: 240 }} slotProps={{ htmlInput: { 'data-testid': 'server-url' } }} />
        </Stack>
        <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap' }}>
          <TextField select size="small" label={t('servers.add.kind')} value={kind} onChange={(e) => setKind(e.target.value as ServerKind)} helperText={kindHelp(kind)} sx={{ minWidth: 240 }} slotProps={{ htmlInput: { 'data-testid': 'server-kind' } }}>
            {ServerKind.options.map((k) => (
              <MenuItem key={k} value={k}>
                {kindLabel(k)}
              </MenuItem>
            ))}
          </TextField>
          <TextField size="small" type="password" label={t('servers.add.key')} autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} helperText={t('servers.add.keyHelp')} slotProps={{ htmlInput: { 'data-testid': 'server-key' } }} />
          <TextField size="small" label={t('servers.add.pool')} value={pool} onChange={(e) => setPool(e.target.value)} helperText={t('servers.add.poolHelp')} slotProps={{ htmlInput: { 'data-testid': 'server-pool', maxLength: 80 } }} />
        </Stack>
        <Stack direction="row" sx={{ gap: 1 }}>
          <Button variant="outlined" disabled={busy || url.trim() === ''} onClick={() => void testIt()} data-testid="server-test-new">
            {t('servers.add.test')}
          </Button>
          <Button type="submit" variant="contained" disabled={busy || name.trim() === '' || url.trim() === ''} data-testid="server-add">
            {t('servers.add.submit')}
          </Button>
        </Stack>
        {test && <TestResult test={test} />}
        {problem && (
          <Alert severity="error" onClose={() => setProblem(null)} data-testid="server-problem">
            {problem}
          </Alert>
        )}
      </Stack>
    </Box>
  );
}

export function ServersCard() {
  const { t } = useTranslation();
  const state = useSyncExternalStore(serversStore.subscribe, serversStore.getState);
  useEffect(() => serversStore.start(), []);
  return (
    <Card variant="outlined" data-testid="servers-card">
      <CardContent>
        <Typography variant="h6" component="h3">
          {t('servers.title')}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {t('servers.intro')}
        </Typography>
        {state.error && <Alert severity="error">{state.error}</Alert>}
        {state.loaded && state.servers.length === 0 && (
          <Typography variant="body2" color="text.secondary">
            {t('servers.none')}
          </Typography>
        )}
        {state.servers.map((s) => (
          <ServerRow key={s.id} server={s} />
        ))}
        <AddServer />
      </CardContent>
    </Card>
  );
}
