/**
 * Models: every model the app knows with its status and what to do about it; use one, compile a checkpoint at a
 * precision, remove; download GLM-Image from the hub, import a folder, find it in the Hugging Face cache.
 * Downloads and compiles run in the app, so their state comes back when this screen is opened again.
 */
import { Alert, Box, Button, Card, Chip, Skeleton, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ModelInfo, type Settings, type Tier } from '../../../main/contract';
import { call } from '../api/client';
import { useQuery } from '../api/hooks';
import {
  CompileCard,
  CompileDialog,
  DownloadCard,
  HfCacheCard,
  ImportCard,
  ModelTable,
  RemoveDialog,
  TierCard,
  errorText,
  formatBytes,
  reloadModels,
  setModelDir,
  startDownload,
  useModels,
} from '../models';

export function ModelsPage() {
  const { t } = useTranslation();
  const models = useModels();
  const settings = useQuery('settings.get', {});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [compiling, setCompiling] = useState<ModelInfo | null>(null);
  const [removing, setRemoving] = useState<ModelInfo | null>(null);
  const fail = (text: string) => setMessage({ ok: false, text });

  const run = async (fn: () => Promise<string | null>) => {
    setBusy(true);
    setMessage(null);
    try {
      const done = await fn();
      if (done) setMessage({ ok: true, text: done });
    } catch (err) {
      fail(errorText(err));
    } finally {
      setBusy(false);
      void reloadModels();
    }
  };

  const use = (dir: string, name: string) =>
    run(async () => {
      const s = await call('settings.update', { modelDir: dir });
      setModelDir(s.modelDir);
      settings.reload();
      return t('models.usedNext', { name });
    });

  const useTier = (tier: Tier | null) =>
    run(async () => {
      await call('settings.update', { tier });
      settings.reload();
      return tier ? t('models.tierUsedNext', { tier: t(`models.tiers.names.${tier}`) }) : t('models.noTierUsed');
    });

  const current = models.models.find((m) => m.path === models.modelDir);
  const precision: Settings['precision'] = settings.data?.precision ?? 'int4';
  return (
    <Box sx={{ p: { xs: 1.5, sm: 3 }, maxWidth: 1100, minWidth: 0 }}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', mb: 1 }}>
        <Typography variant="h5" component="h2">
          {t('nav.models')}
        </Typography>
        <Button variant="outlined" onClick={() => void reloadModels()}>
          {t('common.refresh')}
        </Button>
      </Stack>
      <Stack direction="row" sx={{ mb: 2, gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }} data-testid="model-current">
          {models.modelDir ? t('models.inUse', { name: current?.name ?? models.modelDir }) : t('models.noneInUse')}
        </Typography>
        {current?.precision && <Chip size="small" variant="outlined" label={current.precision} />}
        {models.modelsDir && (
          <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
            {t('models.folderSuffix', { dir: models.modelsDir })}
          </Typography>
        )}
      </Stack>
      {message && (
        <Alert severity={message.ok ? 'success' : 'error'} onClose={() => setMessage(null)} sx={{ mb: 2 }} data-testid="models-message">
          {message.text}
        </Alert>
      )}
      {models.error && (
        <Alert severity="error" sx={{ mb: 2 }} action={<Button onClick={() => void reloadModels()}>{t('common.tryAgain')}</Button>}>
          {models.error}
        </Alert>
      )}
      <Stack sx={{ gap: 2 }}>
        <Card variant="outlined">
          {!models.loaded ? (
            <Skeleton variant="rounded" height={120} />
          ) : (
            <ModelTable
              models={models.models}
              inUse={models.modelDir}
              compiles={models.compiles}
              busy={busy}
              actions={{
                use: (m) => void use(m.path, m.name),
                compile: (m) => setCompiling(m),
                resume: (m) => void run(async () => (await startDownload(m.repo ?? '', m.revision ?? 'main'), null)),
                remove: (m) => setRemoving(m),
              }}
            />
          )}
          {models.models.length > 0 && (
            <Typography variant="caption" color="text.secondary" component="div" sx={{ px: 2, py: 1 }}>
              {t('models.total', { count: models.models.length, size: formatBytes(models.models.filter((m) => m.source !== 'hf-cache' && m.source !== 'reference').reduce((n, m) => n + m.sizeBytes, 0)) })}
            </Typography>
          )}
        </Card>
        <TierCard modelPath={models.modelDir} tier={settings.data?.tier ?? null} onUseTier={(t) => void useTier(t)} />
        <CompileCard compiles={models.compiles} modules={models.modules} onError={fail} />
        <DownloadCard downloads={models.downloads} onError={fail} />
        <ImportCard
          onImported={(name, selected) => {
            setMessage({ ok: true, text: selected ? t('models.importedSelected', { name }) : t('models.imported', { name }) });
            void reloadModels();
            if (selected) settings.reload();
          }}
        />
        <HfCacheCard hfCacheDir={models.hfCacheDir} inUse={models.modelDir} onUse={(dir, name) => void use(dir, name)} onFound={() => void reloadModels()} />
      </Stack>
      <CompileDialog
        model={compiling}
        initial={precision}
        onClose={() => setCompiling(null)}
        onStart={(m, p) => {
          setCompiling(null);
          void run(async () => {
            await call('models.compile.start', { path: m.path, precision: p });
            return null;
          });
        }}
      />
      <RemoveDialog
        model={removing}
        onClose={() => setRemoving(null)}
        onConfirm={(m) => {
          setRemoving(null);
          void run(async () => {
            const r = await call('models.remove', { id: m.id });
            return r.removed === 'reference' ? t('models.forgotten', { name: m.name }) : t('models.removed', { name: m.name, size: formatBytes(r.freedBytes) });
          });
        }}
      />
    </Box>
  );
}
