/** Settings: the model (location and status), execution provider (auto or forced), memory tier and profile, precision, data folder, language, theme, servers. */
import { Alert, Box, Button, Card, CardContent, Chip, FormControlLabel, MenuItem, Radio, RadioGroup, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Language, TIERS, Tier, type EngineStatus, type ModelInfo, type Settings } from '../../../main/contract';
import { ApiError, call } from '../api/client';
import { useQuery } from '../api/hooks';
import { fmt, t as translate } from '../i18n';
import { useLanguageChoice } from '../i18n/LanguageRoot';
import { ServersCard } from '../servers';
import { type ThemeChoice, useThemeChoice } from '../theme';

export function SettingsPage() {
  const { t } = useTranslation();
  const language = useLanguageChoice();
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
    <Box sx={{ p: { xs: 1.5, sm: 3 }, maxWidth: 860, minWidth: 0 }}>
      <Typography variant="h5" component="h2" sx={{ mb: 2 }}>
        {t('nav.settings')}
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
                {t('settings.model')}
              </Typography>
              <Box sx={{ my: 1 }} data-testid="model-status">
                {status?.model ? (
                  <Stack direction="row" sx={{ gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
                    <Chip size="small" color={status.model.problem ? 'warning' : 'success'} label={status.model.problem ? t('settings.needsAttention') : status.model.ready ? t('settings.loaded') : t('settings.readyToLoad')} />
                    <Typography variant="body2" data-testid="model-name">
                      {status.model.name}
                    </Typography>
                    <Chip size="small" variant="outlined" label={status.model.precision} />
                    {!status.model.id && (
                      <Typography variant="body2" color="text.secondary">
                        {t('settings.compiledAtFirst')}
                      </Typography>
                    )}
                    <Typography variant="body2" color="text.secondary" sx={{ width: '100%', wordBreak: 'break-all' }}>
                      {status.model.dir}
                    </Typography>
                    {status.model.problem && <Typography variant="body2" color="warning.main">{status.model.problem}</Typography>}
                  </Stack>
                ) : (
                  <Typography variant="body2" color="text.secondary">
                    {t('settings.noModel')}
                  </Typography>
                )}
              </Box>
              <Stack direction="row" sx={{ gap: 1, alignItems: 'flex-start' }}>
                <TextField
                  size="small"
                  fullWidth
                  label={t('settings.modelFolder')}
                  value={modelDir}
                  onChange={(e) => setModelDir(e.target.value)}
                  helperText={t('settings.modelFolderHelp')}
                  slotProps={{ htmlInput: { 'data-testid': 'model-dir' } }}
                />
                <Button variant="contained" disabled={saving || modelDir.trim() === (s.modelDir ?? '')} onClick={() => void save({ modelDir: modelDir.trim() || null }, t('settings.modelFolderSaved'))} data-testid="model-dir-save">
                  {t('settings.use')}
                </Button>
              </Stack>
              {models.length > 0 && (
                <Box sx={{ mt: 1.5 }}>
                  <Typography variant="subtitle2">{t('settings.modelsFound')}</Typography>
                  {models.map((m) => (
                    <Stack key={m.id} direction="row" sx={{ alignItems: 'center', gap: 1, py: 0.5 }}>
                      <Chip size="small" label={t(`models.status.${m.status}`)} color={m.status === 'ready' ? 'success' : 'default'} />
                      <Typography variant="body2" sx={{ flex: 1, minWidth: 0, overflowWrap: 'anywhere' }}>
                        {m.name} · {t(`models.kind.${m.kind}`)} · {fmt.bytes(m.sizeBytes)}
                      </Typography>
                      {m.precision && <Chip size="small" variant="outlined" label={m.precision} />}
                      <Button size="small" disabled={m.status !== 'ready' || m.path === s.modelDir} onClick={() => void save({ modelDir: m.path }, t('models.usedNext', { name: m.name }))}>
                        {t('settings.use')}
                      </Button>
                    </Stack>
                  ))}
                </Box>
              )}
              <Box sx={{ mt: 1 }}>
                <Button size="small" href="#/models" data-testid="manage-models">
                  {t('settings.manageModels')}
                </Button>
              </Box>
              <TextField
                select
                size="small"
                label={t('settings.precision')}
                value={s.precision}
                onChange={(e) => void save({ precision: e.target.value as Settings['precision'] }, t('settings.precisionSaved'))}
                sx={{ mt: 2, minWidth: 280, maxWidth: '100%' }}
              >
                {(['int4', 'int4-mixed', 'int4-int8', 'int4-int4', 'int8', 'fp16', 'fp32'] as const).map((p) => (
                  <MenuItem key={p} value={p}>
                    {t(`models.precision.${p}`)}
                  </MenuItem>
                ))}
              </TextField>
              {s.tier && (
                <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 0.5 }}>
                  {t('settings.tierPrecision', { tier: t(`models.tiers.names.${s.tier}`), precision: TIERS[s.tier].precision, compute: TIERS[s.tier].compute })}
                </Typography>
              )}
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3">
                {t('settings.provider')}
              </Typography>
              {status && (
                <Typography variant="body2" sx={{ my: 1 }} data-testid="provider-status">
                  {t('system.using', { provider: status.provider.chosen, reason: status.provider.reason })}
                </Typography>
              )}
              <TextField select size="small" label={t('system.provider')} value={s.provider} onChange={(e) => void save({ provider: e.target.value as Settings['provider'] }, t('settings.providerSaved'))} sx={{ minWidth: 280, maxWidth: '100%' }}>
                <MenuItem value="auto">{t('settings.providerAuto')}</MenuItem>
                {providers.map((p) => (
                  <MenuItem key={p.name} value={p.name} disabled={!p.bundled}>
                    {p.available ? p.name : p.bundled ? t('settings.providerNotWorking', { name: p.name }) : t('settings.providerNotInstalled', { name: p.name })}
                  </MenuItem>
                ))}
              </TextField>
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3" id="memory-label">
                {t('settings.memory')}
              </Typography>
              <TextField
                select
                size="small"
                label={t('settings.tier')}
                value={s.tier ?? 'none'}
                onChange={(e) => {
                  const v = e.target.value;
                  void save({ tier: v === 'none' ? null : Tier.parse(v) }, v === 'none' ? t('settings.noTierSaved') : t('settings.tierSaved', { tier: t(`models.tiers.names.${Tier.parse(v)}`) }));
                }}
                sx={{ my: 1, minWidth: 280 }}
                helperText={s.tier ? t(`models.tiers.descriptions.${s.tier}`) : t('settings.tierHelp')}
              >
                <MenuItem value="none">{t('settings.noTier')}</MenuItem>
                {Tier.options.map((tier) => (
                  <MenuItem key={tier} value={tier}>
                    {t(`models.tiers.names.${tier}`)}
                  </MenuItem>
                ))}
              </TextField>
              <RadioGroup aria-labelledby="memory-label" value={s.memoryProfile} onChange={(e) => void save({ memoryProfile: e.target.value as Settings['memoryProfile'] }, t('settings.memorySaved'))}>
                <FormControlLabel value="sequential" disabled={s.tier !== null} control={<Radio />} label={t('settings.sequential')} />
                <FormControlLabel value="resident" disabled={s.tier !== null} control={<Radio />} label={t('settings.resident')} />
              </RadioGroup>
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3">
                {t('settings.dataFolder')}
              </Typography>
              <Typography variant="body2" sx={{ wordBreak: 'break-all', my: 1 }} data-testid="data-dir">
                {info.data?.paths.dataDir ?? '…'}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                {t('settings.dataFolderHelp', { dir: info.data?.paths.modelsDir ?? '…' })}
              </Typography>
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3" id="language-label">
                {t('settings.language')}
              </Typography>
              <RadioGroup
                row
                aria-labelledby="language-label"
                value={language.choice}
                onChange={(e) => {
                  const l = Language.parse(e.target.value);
                  language.setChoice(l);
                  // the message in the language just chosen
                  void save({ language: l }, translate('settings.languageSaved'));
                }}
              >
                {Language.options.map((l) => (
                  <FormControlLabel key={l} value={l} control={<Radio />} label={t(`settings.languages.${l}`)} />
                ))}
              </RadioGroup>
            </CardContent>
          </Card>

          <Card variant="outlined">
            <CardContent>
              <Typography variant="h6" component="h3" id="theme-label">
                {t('settings.theme')}
              </Typography>
              <RadioGroup
                row
                aria-labelledby="theme-label"
                value={choice}
                onChange={(e) => {
                  const th = e.target.value as ThemeChoice;
                  setChoice(th);
                  void save({ theme: th }, t('settings.themeSaved'));
                }}
              >
                <FormControlLabel value="system" control={<Radio />} label={t('settings.themeSystem')} />
                <FormControlLabel value="light" control={<Radio />} label={t('settings.themeLight')} />
                <FormControlLabel value="dark" control={<Radio />} label={t('settings.themeDark')} />
              </RadioGroup>
            </CardContent>
          </Card>

          <ServersCard />
        </Stack>
      )}
    </Box>
  );
}
