/**
 * What onnxruntime-node reports on this machine: version, providers (the device each runs on, software
 * or not, what its self-checks found), which one we pick and why.
 */
import { Alert, Box, Button, Card, CardContent, Chip, Skeleton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import type { ProviderStatus } from '../../../main/contract';
import { useQuery } from '../api/hooks';

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** The device a provider runs on: each GPU as the system names it (vendor, product, chip, driver), software or not. */
function Device({ p }: { p: ProviderStatus }) {
  if (!p.available) return <Typography variant="body2" color="text.secondary">—</Typography>;
  if (!p.devices || p.devices.length === 0) return <Typography variant="body2">{p.adapter ?? 'not told'}</Typography>;
  return (
    <Stack spacing={0.5}>
      {p.devices.map((d) => (
        <Box key={`${d.vendor}-${d.name ?? ''}-${d.ids ?? ''}`}>
          <Typography variant="body2">
            {d.vendor} {d.name}
            {d.software && <Chip size="small" color="warning" label="software" sx={{ ml: 1 }} />}
          </Typography>
          {(d.architecture || d.driver || d.ids || d.note) && (
            <Typography variant="caption" color="text.secondary">
              {[d.architecture, d.driver && `driver ${d.driver}`, d.ids, d.note].filter(Boolean).join(' · ')}
            </Typography>
          )}
        </Box>
      ))}
    </Stack>
  );
}

export function SystemPage() {
  const [refresh, setRefresh] = useState(0);
  const { data, error, loading } = useQuery('system.info', { refresh: refresh > 0 }, refresh);
  return (
    <Box sx={{ p: 3, maxWidth: 960 }}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', mb: 2 }}>
        <Typography variant="h5" component="h2">
          System
        </Typography>
        <Button variant="outlined" onClick={() => setRefresh((n) => n + 1)} disabled={loading}>
          Check again
        </Button>
      </Stack>
      {error && <Alert severity="error">{error.message}</Alert>}
      {loading && !data && <Skeleton variant="rounded" height={240} />}
      {data && (
        <Stack spacing={2}>
          <Card variant="outlined">
            <CardContent>
              <Typography variant="subtitle2" color="text.secondary">
                onnxruntime-node
              </Typography>
              <Typography variant="h6" data-testid="ort-version">
                {data.onnxruntime.version}
              </Typography>
              <Typography sx={{ mt: 1 }} data-testid="chosen-provider">
                Using <strong>{data.onnxruntime.chosen}</strong>: {data.onnxruntime.chosenReason}
              </Typography>
            </CardContent>
          </Card>
          <Card variant="outlined">
            <Table size="small" aria-label="Execution providers">
              <TableHead>
                <TableRow>
                  <TableCell>Provider</TableCell>
                  <TableCell>Status</TableCell>
                  <TableCell>Device</TableCell>
                  <TableCell>Why</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.onnxruntime.providers.map((p) => (
                  <TableRow key={p.name} data-testid={`provider-${p.name}`}>
                    <TableCell>{p.name}</TableCell>
                    <TableCell>
                      <Chip size="small" color={p.available ? 'success' : 'default'} label={p.available ? 'available' : p.bundled ? 'not working here' : 'not installed'} />
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
                Machine
              </Typography>
              <Typography>
                {data.platform.os} {data.platform.arch} ({data.platform.release}), {data.platform.cpus} cores, {gib(data.platform.totalMemoryBytes)}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                Node {data.runtime.node}
                {data.runtime.electron ? `, Electron ${data.runtime.electron}` : ''} · {data.runtime.mode} mode · {data.app.name} {data.app.version}
              </Typography>
              <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                Data: {data.paths.dataDir}
                <br />
                Models: {data.paths.modelsDir}
              </Typography>
            </CardContent>
          </Card>
        </Stack>
      )}
    </Box>
  );
}
