/** Import a folder in the GLM-Image (Hugging Face) layout by its path: checked first, problems shown, then used in place or copied. */
import { Alert, Box, Button, Card, CardContent, FormControlLabel, Radio, RadioGroup, Stack, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CheckpointReport } from '../../../main/contract';
import { call } from '../api/client';
import { errorText } from './format';
import { ReportView } from './ReportView';

/** `onImported`: selected is true when no model was chosen, so the studio now uses this one. */
export function ImportCard({ onImported }: { onImported(name: string, selected: boolean): void }) {
  const { t } = useTranslation();
  const [folder, setFolder] = useState('');
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'reference' | 'copy'>('reference');
  const [report, setReport] = useState<CheckpointReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);

  const check = async (): Promise<CheckpointReport | null> => {
    setError(null);
    setReport(null);
    try {
      const { report: r } = await call('models.validate', { path: folder.trim() });
      setReport(r);
      return r;
    } catch (err) {
      setError(errorText(err));
      return null;
    }
  };
  const run = async (what: 'check' | 'import') => {
    if (!folder.trim()) {
      setError(t('models.import.needPath'));
      return;
    }
    setBusy(what);
    try {
      const r = await check();
      if (what === 'import' && r?.ok) {
        const { model, selected } = await call('models.import', { path: folder.trim(), mode, ...(name.trim() ? { name: name.trim() } : {}) });
        onImported(model.name, selected);
        setReport(null);
        setFolder('');
        setName('');
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" component="h3">
          {t('models.import.title')}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {t('models.import.help')}
        </Typography>
        <Box
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            void run('import');
          }}
        >
          <Stack sx={{ gap: 1.5 }}>
            <TextField
              size="small"
              fullWidth
              label={t('models.import.path')}
              value={folder}
              onChange={(e) => setFolder(e.target.value)}
              slotProps={{ htmlInput: { 'data-testid': 'import-path' } }}
            />
            <TextField size="small" label={t('models.import.name')} value={name} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'import-name', maxLength: 100 } }} />
            <RadioGroup row aria-label={t('models.import.how')} value={mode} onChange={(e) => setMode(e.target.value as 'reference' | 'copy')}>
              <FormControlLabel value="reference" control={<Radio />} label={t('models.import.inPlace')} />
              <FormControlLabel value="copy" control={<Radio />} label={t('models.import.copy')} />
            </RadioGroup>
            <Stack direction="row" sx={{ gap: 1 }}>
              <Button variant="outlined" disabled={busy !== null} onClick={() => void run('check')} data-testid="import-check">
                {t('models.import.check')}
              </Button>
              <Button type="submit" variant="contained" disabled={busy !== null} data-testid="import-submit">
                {busy === 'import' ? t('models.import.importing') : t('models.import.submit')}
              </Button>
            </Stack>
          </Stack>
        </Box>
        {error && (
          <Alert severity="error" sx={{ mt: 1.5 }} data-testid="import-error">
            {error}
          </Alert>
        )}
        {report && <ReportView report={report} />}
      </CardContent>
    </Card>
  );
}
