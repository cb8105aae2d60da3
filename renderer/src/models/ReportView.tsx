/** What validating a checkpoint folder found: summary, size, precision and each problem. */
import { Alert, Box, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { CheckpointReport } from '../../../main/contract';
import { formatBytes } from './format';

export function ReportView({ report }: { report: CheckpointReport }) {
  const { t } = useTranslation();
  return (
    <Alert severity={report.ok ? 'success' : 'warning'} sx={{ mt: 1.5 }} data-testid="validate-report" data-ok={String(report.ok)}>
      <Typography variant="body2">{report.summary}</Typography>
      {report.ok && (
        <Typography variant="caption" component="div">
          {formatBytes(report.totalBytes)}
          {report.precision ? ` · ${report.precision}` : ''} · {t('models.components', { count: report.components.length })}
        </Typography>
      )}
      {report.problems.length > 0 && (
        <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 2 }} data-testid="validate-problems">
          {report.problems.map((p) => (
            <Typography key={`${p.kind}:${p.path}`} component="li" variant="body2">
              {p.message}
            </Typography>
          ))}
        </Box>
      )}
    </Alert>
  );
}
