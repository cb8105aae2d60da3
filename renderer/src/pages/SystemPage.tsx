/**
 * What onnxruntime-node reports on this machine: version, providers (the device each runs on, software
 * or not, what its self-checks found), which one we pick and why.
 */
import { Alert, Box, Button, Card, CardContent, Chip, Skeleton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import type { ProviderStatus } from '../../../main/contract';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../api/hooks';
import { fmt } from '../i18n';

function gib(bytes: number): string {
  return `${fmt.number(bytes / 1024 ** 3, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} GiB`;
}

/** The device a provider runs on: each GPU as the system names it (vendor, product, chip, driver), software or not. */
function Device({ p }: { p: ProviderStatus }) {
  const { t } = useTranslation();
  if (!p.available) return <Typography variant="body2" color="text.secondary">—</Typography>;
  if (!p.devices || p.devices.length === 0) return <Typography variant="body2">{p.adapter ?? t('system.notTold')}</Typography>;
  return (
    <Stack spacing={0.5}>
      {p.devices.map((d) => (
        <Box key={`${d.vendor}-${d.name ?? ''}-${d.ids ?? ''}`}>
          <Typography variant="body2">
            {d.vendor} {d.name}
            {d.software && <Chip size="small" color="warning" label={t('system.software')} sx={{ ml: 1 }} />}
          </Typography>
          {(d.architecture || d.driver || d.ids || d.note) && (
            <Typography variant="caption" color="text.secondary">
              {[d.architecture, d.driver && t('system.driver', { driver: d.driver }), d.ids, d.note].filter(Boolean).join(' · ')}
            </Typography>
          )}
        </Box>
      ))}
    </Stack>
  );
}

export function SystemPage() {
  const { t } = useTranslation();
  const [refresh, setRefresh] = useState(0);
  const { data, error, loading } = useQuery('system.info', { refresh: refresh > 0 }, refresh);
  return (
    <Box sx={{ p: 3, maxWidth: 960 }}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', mb: 2 }}>
        <Typography variant="h5" component="h2">
          {t('nav.system')}
        </Typography>
        <Button variant="outlined" onClick={() => setRefresh((n) => n + 1)} disabled={loading}>
          {t('system.checkAgain')}
        </Button>
      </Stack>
      {error && <Alert severity="error">{error.message}</Alert>}
      {loading && !data && <Skeleton variant="rounded" height={240} />}
      {data && (
        <Stack spacing={2}>
          <Card variant="outlined">
            <CardContent>
              <Typography variant="subtitle2" color="text.secondary">
                {t('system.ortName')}
              </Typography>
              <Typography variant="h6" data-testid="ort-version">
                {data.onnxruntime.version}
              </Typography>
              <Typography sx={{ mt: 1 }} data-testid="chosen-provider">
                {t('system.using', { provider: data.onnxruntime.chosen, reason: data.onnxruntime.chosenReason })}
              </Typography>
            </CardContent>
          </Card>
          <Card variant="outlined">
            <Table size="small" aria-label={t('system.providers')}>
              <TableHead>
                <TableRow>
                  <TableCell>{t('system.provider')}</TableCell>
                  <TableCell>{t('system.status')}</TableCell>
                  <TableCell>{t('system.device')}</TableCell>
                  <TableCell>{t('system.why')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.onnxruntime.providers.map((p) => (
                  <TableRow key={p.name} data-testid={`provider-${p.name}`}>
                    <TableCell>{p.name}</TableCell>
                    <TableCell>
                      <Chip size="small" color={p.available ? 'success' : 'default'} label={p.available ? t('system.available') : p.bundled ? t('system.notWorking') : t('system.notInstalled')} />
                    </TableCell>
                    <TableCell data-testid={`device-${p.name}`}>
                      <Device p={p} />
                    </TableCell>
                    <TableCell sx={{ wordBreak: 'break-word' }}>
                      {p.reason}
                      {(p.checks ?? []).map((c) => (
                        <Alert key={c} severity="warning" sx={{ mt: 1, py: 0 }} data-testid={`check-${p.name}`}>
                          {c}
                        </Alert>
                      ))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Card>
          <Card variant="outlined">
            <CardContent>
              <Typography variant="subtitle2" color="text.secondary">
                {t('system.machine')}
              </Typography>
              <Typography>
                {t('system.machineLine', { os: data.platform.os, arch: data.platform.arch, release: data.platform.release, count: data.platform.cpus, memory: gib(data.platform.totalMemoryBytes) })}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                {t('system.runtimeLine', { node: data.runtime.node, electron: data.runtime.electron ?? '—', mode: t(`system.mode.${data.runtime.mode}`), app: `${data.app.name} ${data.app.version}` })}
              </Typography>
              <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                {t('system.dataDir', { dir: data.paths.dataDir })}
                <br />
                {t('system.modelsDir', { dir: data.paths.modelsDir })}
              </Typography>
            </CardContent>
          </Card>
        </Stack>
      )}
    </Box>
  );
}
