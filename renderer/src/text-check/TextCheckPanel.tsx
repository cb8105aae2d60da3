/**
 * The text check of one image: each quoted string with a tick (read as written) or a cross (with what
 * was read there instead), the boxes toggle, and "check text" for an image not checked yet.
 */
import CancelIcon from '@mui/icons-material/Cancel';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import { Alert, Box, Button, FormControlLabel, List, ListItem, ListItemIcon, ListItemText, Stack, Switch, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n';
import type { LiveTextCheck } from './useTextCheck';
import { summaryLine, targetRows } from './view';

export interface TextCheckPanelProps {
  live: LiveTextCheck;
  showBoxes: boolean;
  onShowBoxes(show: boolean): void;
  dense?: boolean;
}

export function TextCheckPanel({ live, showBoxes, onShowBoxes, dense = false }: TextCheckPanelProps) {
  const { t } = useTranslation();
  const { check, checkable, running, error, run } = live;
  if (!check && !checkable) return null;
  return (
    <Box component="section" aria-label={t('textCheck.title')} data-testid="text-check" data-status={check?.status ?? 'unchecked'} sx={{ border: 1, borderColor: 'divider', borderRadius: 2, p: 1.25 }}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="subtitle2" component="h4" sx={{ flex: 1 }}>
          {t('textCheck.title')}
        </Typography>
        {check && check.targets.some((target) => target.boxes.length > 0) && (
          <FormControlLabel
            control={<Switch size="small" checked={showBoxes} onChange={(e) => onShowBoxes(e.target.checked)} slotProps={{ input: { 'aria-label': t('textCheck.showBoxes') } }} data-testid="text-boxes-toggle" />}
            label={<Typography variant="caption">{t('textCheck.showBoxes')}</Typography>}
          />
        )}
        {checkable && (
          <Button size="small" onClick={run} disabled={running} data-testid="text-check-run">
            {running ? t('textCheck.checking') : check ? t('textCheck.checkAgain') : t('textCheck.checkNow')}
          </Button>
        )}
      </Stack>
      {check && (
        <Typography variant="body2" color={check.status === 'ok' ? 'success.main' : check.status === 'issues' ? 'error.main' : 'text.secondary'} data-testid="text-check-summary">
          {summaryLine(check)}
        </Typography>
      )}
      {!check && (
        <Typography variant="body2" color="text.secondary">
          {t('textCheck.notChecked')}
        </Typography>
      )}
      {check && check.targets.length > 0 && (
        <List dense disablePadding>
          {targetRows(check).map((r, i) => (
            <ListItem key={i} disableGutters data-testid="text-target" data-found={r.found} sx={{ py: dense ? 0 : 0.25 }}>
              <ListItemIcon sx={{ minWidth: 30 }}>
                {r.found ? (
                  <CheckCircleIcon color="success" fontSize="small" titleAccess={t('textCheck.found')} data-testid="tick" />
                ) : (
                  <CancelIcon color="error" fontSize="small" titleAccess={t('textCheck.missing')} data-testid="cross" />
                )}
              </ListItemIcon>
              <ListItemText
                primary={`“${r.target}”`}
                secondary={r.detail}
                slotProps={{ primary: { sx: { fontWeight: 500, wordBreak: 'break-word' } }, secondary: { 'data-testid': r.found ? undefined : 'text-target-read' } as object }}
              />
            </ListItem>
          ))}
        </List>
      )}
      {check?.truncated && (
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
          {t('textCheck.truncated')}
        </Typography>
      )}
      {check && (
        <Typography variant="caption" color="text.secondary">
          {t('textCheck.provider', { provider: check.provider, seconds: fmt.number(check.ms / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })}
        </Typography>
      )}
      {error && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid="text-check-error">
          {error}
        </Alert>
      )}
    </Box>
  );
}
