/** Settings: the model (location and status), execution provider (auto or forced), memory profile, precision, data folder, theme, servers. */
import { Alert, Box, Button, Card, CardContent, Chip, FormControlLabel, MenuItem, Radio, RadioGroup, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { TIERS, Tier, type EngineStatus, type ModelInfo, type Settings } from '../../../main/contract';
import { ApiError, call } from '../api/client';
import { useQuery } from '../api/hooks';
import { ServersCard } from '../servers';
import { type ThemeChoice, useThemeChoice } from '../theme';

export function SettingsPage() {
  const settings = useQuery('settings.get', {});
  const info = useQuery('system.info', {});
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [modelDir, setModelDir] = useState('');
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const { choice, setChoice } = useThemeChoice();
  const [models, setModels] = useState<ModelInfo[]>([]);
  useEffect(() => {
    call('models.list', {})
      .then((r) => setModels(r.models))
      .catch(() => setModels([]));
  }, []);

  const refreshStatus = () => {
    call('engine.status', {}).then(setStatus).catch(() => setStatus(null));
  };
  useEffect(refreshStatus, []);
  useEffect(() => {
    if (settings.data) setModelDir(settings.data.modelDir ?? '');
  }, [settings.data]);

  const save = async (patch: Partial<Settings>, done: string) => {
    setSaving(true);
    setMessage(null);
    try {
      await call('settings.update', patch);
      settings.reload();
      refreshStatus();
      setMessage({ ok: true, text: done });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setSaving(false);
    }
  };

  const s = settings.data;
  const providers = info.data?.onnxruntime.providers ?? [];
  return (
    <Box sx={{ p: 3, maxWidth: 860 }}>
      <Typography variant="h5" component="h2" sx={{ mb: 2 }}>
        Settings
      </Typography>
      {settings.error && <Alert severity="error">{settings.error.message}</Alert>}
      {message && (
        <Alert severity={message.ok ? 'success' : 'error'} onClose={() => setMessage(null)} sx={{ mb: 2 }} data-testid="settings-message">
          {message.text}
        </Alert>
      )}
      {s && (
        <Stack sx={{ gap: 2 }}>
          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3">
                Model
              </Typography>
              <Box sx={{ my: 1 }} data-testid="model-status">
                {status?.model ? (
                  <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
                    <Chip size="small" color={status.model.problem ? 'warning' : 'success'} label={status.model.problem ? 'needs attention' : status.model.ready ? 'loaded' : 'ready to load'} />
                    <Typography variant="body2">
                      {status.model.id || 'A checkpoint, compiled at the first generation'} · {status.model.precision}
                    </Typography>
                    <Typography variant="body2" color="text.secondary" sx={{ width: '100%', wordBreak: 'break-all' }}>
                      {status.model.dir}
                    </Typography>
                    {status.model.problem && <Typography variant="body2" color="warning.main">{status.model.problem}</Typography>}
                  </Stack>
                ) : (
                  <Typography variant="body2" color="text.secondary">
                    No model chosen yet.
                  </Typography>
                )}
              </Box>
              <Stack direction="row" sx={{ gap: 1, alignItems: 'flex-start' }}>
                <TextField
                  size="small"
                  fullWidth
                  label="Model folder"
                  value={modelDir}
                  onChange={(e) => setModelDir(e.target.value)}
                  helperText="A GLM-Image checkpoint (Hugging Face layout; compiled on first use) or a compiled model folder."
                  slotProps={{ htmlInput: { 'data-testid': 'model-dir' } }}
                />
                <Button variant="contained" disabled={saving || modelDir.trim() === (s.modelDir ?? '')} onClick={() => void save({ modelDir: modelDir.trim() || null }, 'Model folder saved. It is used from the next generation.')} data-testid="model-dir-save">
                  Use
                </Button>
              </Stack>
              {models.length > 0 && (
                <Box sx={{ mt: 1.5 }}>
                  <Typography variant="subtitle2">Models found</Typography>
                  {models.map((m) => (
                    <Stack key={m.id} direction="row" sx={{ alignItems: 'center', gap: 1, py: 0.5 }}>
                      <Chip size="small" label={m.status} color={m.status === 'ready' ? 'success' : 'default'} />
                      <Typography variant="body2" sx={{ flex: 1, wordBreak: 'break-all' }}>
                        {m.name} · {m.kind}
                        {m.precision ? ` · ${m.precision}` : ''} · {(m.sizeBytes / 1024 ** 3).toFixed(2)} GiB
                      </Typography>
                      <Button size="small" disabled={m.status !== 'ready' || m.path === s.modelDir} onClick={() => void save({ modelDir: m.path }, `${m.name} will be used from the next generation.`)}>
                        Use
                      </Button>
                    </Stack>
                  ))}
                </Box>
              )}
              <Box sx={{ mt: 1 }}>
                <Button size="small" href="#/models" data-testid="manage-models">
                  Download, import, compile or remove models
                </Button>
              </Box>
              <TextField
                select
                size="small"
                label="Precision when compiling a checkpoint"
                value={s.precision}
                onChange={(e) => void save({ precision: e.target.value as Settings['precision'] }, 'Precision saved.')}
                sx={{ mt: 2, minWidth: 280 }}
              >
                <MenuItem value="int4">int4 AR + fp16 DiT</MenuItem>
                <MenuItem value="int4-mixed">int4 AR + fp16 DiT with int8 feed-forward</MenuItem>
                <MenuItem value="int4-int8">int4 AR + int8 DiT</MenuItem>
                <MenuItem value="int4-int4">int4 AR + int4 DiT (smallest)</MenuItem>
                <MenuItem value="int8">int8 AR + int8 DiT</MenuItem>
                <MenuItem value="fp16">fp16 AR + fp16 DiT</MenuItem>
                <MenuItem value="fp32">fp32 (reference quality, largest)</MenuItem>
              </TextField>
              {s.tier && (
                <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 0.5 }}>
                  The {TIERS[s.tier].label} tier compiles at its own precision ({TIERS[s.tier].precision}, {TIERS[s.tier].compute} compute).
                </Typography>
              )}
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3">
                Execution provider
              </Typography>
              {status && (
                <Typography variant="body2" sx={{ my: 1 }} data-testid="provider-status">
                  Using <strong>{status.provider.chosen}</strong>: {status.provider.reason}
                </Typography>
              )}
              <TextField select size="small" label="Provider" value={s.provider} onChange={(e) => void save({ provider: e.target.value as Settings['provider'] }, 'Provider saved.')} sx={{ minWidth: 280 }}>
                <MenuItem value="auto">Automatic (best available)</MenuItem>
                {providers.map((p) => (
                  <MenuItem key={p.name} value={p.name} disabled={!p.bundled}>
                    {p.name} {p.available ? '' : p.bundled ? '(not working here)' : '(not installed)'}
                  </MenuItem>
                ))}
              </TextField>
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3" id="memory-label">
                Memory
              </Typography>
              <TextField
                select
                size="small"
                label="Memory tier"
                value={s.tier ?? 'none'}
                onChange={(e) => {
                  const v = e.target.value;
                  void save({ tier: v === 'none' ? null : Tier.parse(v) }, v === 'none' ? 'No tier: the memory profile below is used.' : `Tier ${TIERS[Tier.parse(v)].label} saved.`);
                }}
                sx={{ my: 1, minWidth: 280 }}
                helperText={s.tier ? TIERS[s.tier].description : 'A tier fits the model to a memory size; the Models screen estimates each one.'}
              >
                <MenuItem value="none">No tier: the memory profile below</MenuItem>
                {Tier.options.map((t) => (
                  <MenuItem key={t} value={t}>
                    {TIERS[t].label}
                  </MenuItem>
                ))}
              </TextField>
              <RadioGroup aria-labelledby="memory-label" value={s.memoryProfile} onChange={(e) => void save({ memoryProfile: e.target.value as Settings['memoryProfile'] }, 'Memory profile saved.')}>
                <FormControlLabel
                  value="sequential"
                  disabled={s.tier !== null}
                  control={<Radio />}
                  label="Sequential: load each stage (tokens, diffusion, decoder) in turn. Least memory."
                />
                <FormControlLabel
                  value="resident"
                  disabled={s.tier !== null}
                  control={<Radio />}
                  label="Resident: keep every stage loaded. Fastest repeat generations, needs the most memory."
                />
              </RadioGroup>
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3">
                Data folder
              </Typography>
              <Typography variant="body2" sx={{ wordBreak: 'break-all', my: 1 }} data-testid="data-dir">
                {info.data?.paths.dataDir ?? '…'}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                Library, images and settings live here; models in {info.data?.paths.modelsDir ?? '…'}. To move them, start the app with GLIMMER_DATA_DIR (and GLIMMER_MODELS_DIR) set to another folder.
              </Typography>
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3" id="theme-label">
                Theme
              </Typography>
              <RadioGroup
                row
                aria-labelledby="theme-label"
                value={choice}
                onChange={(e) => {
                  const t = e.target.value as ThemeChoice;
                  setChoice(t);
                  void save({ theme: t }, 'Theme saved.');
                }}
              >
                <FormControlLabel value="system" control={<Radio />} label="Follow the system" />
                <FormControlLabel value="light" control={<Radio />} label="Light" />
                <FormControlLabel value="dark" control={<Radio />} label="Dark" />
              </RadioGroup>
            </CardContent>
          </Card>

          <ServersCard />
        </Stack>
      )}
    </Box>
  );
}
