/** What "use these settings" filled from an image and what it could not (with why), on the Generate screen. */
import { Alert, Box, Typography } from '@mui/material';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { recallReport } from './state';

export function RecallReportView() {
  const { t } = useTranslation();
  const report = useSyncExternalStore(recallReport.subscribe, recallReport.get);
  if (!report) return null;
  const { result } = report;
  const filled = result.filled.map((f) => t(`recall.field.${f as 'prompt'}`, { defaultValue: f })).join(t('recall.listSeparator'));
  return (
    <Alert severity={result.notes.length > 0 ? 'warning' : 'success'} onClose={() => recallReport.set(null)} data-testid="recall-report" data-source={result.source}>
      <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
        {t('recall.filledFrom', { name: report.from, fields: filled })}
      </Typography>
      {result.notes.length > 0 && (
        <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 2 }}>
          {result.notes.map((n) => (
            <Typography key={n.field} component="li" variant="body2" data-testid="recall-note" data-field={n.field} sx={{ overflowWrap: 'anywhere' }}>
              {n.reason}
            </Typography>
          ))}
        </Box>
      )}
    </Alert>
  );
}
