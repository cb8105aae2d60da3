/**
 * The text check of one image: each quoted string with a tick (read as written) or a cross (with what
 * was read there instead), the boxes toggle, and "check text" for an image not checked yet.
 */
import CancelIcon from '@mui/icons-material/Cancel';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import { Alert, Box, Button, FormControlLabel, List, ListItem, ListItemIcon, ListItemText, Stack, Switch, Typography } from '@mui/material';
import { TEXT_CHECK_STRINGS as S } from './strings';
import type { LiveTextCheck } from './useTextCheck';
import { summaryLine, targetRows } from './view';

export interface TextCheckPanelProps {
  live: LiveTextCheck;
  showBoxes: boolean;
  onShowBoxes(show: boolean): void;
  dense?: boolean;
}

export function TextCheckPanel({ live, showBoxes, onShowBoxes, dense = false }: TextCheckPanelProps) {
  const { check, checkable, running, error, run } = live;
  if (!check && !checkable) return null;
  return (
    <Box component="section" aria-label={S.title} data-testid="text-check" data-status={check?.status ?? 'unchecked'} sx={{ border: 1, borderColor: 'divider', borderRadius: 2, p: 1.25 }}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="subtitle2" component="h4" sx={{ flex: 1 }}>
          {S.title}
        </Typography>
        {check && check.targets.some((t) => t.boxes.length > 0) && (
          <FormControlLabel
            control={<Switch size="small" checked={showBoxes} onChange={(e) => onShowBoxes(e.target.checked)} slotProps={{ input: { 'aria-label': S.showBoxes } }} data-testid="text-boxes-toggle" />}
            label={<Typography variant="caption">{S.showBoxes}</Typography>}
          />
        )}
        {checkable && (
          <Button size="small" onClick={run} disabled={running} data-testid="text-check-run">
            {running ? S.checking : check ? S.checkAgain : S.checkNow}
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
          {S.notChecked}
        </Typography>
      )}
      {check && check.targets.length > 0 && (
        <List dense disablePadding>
          {targetRows(check).map((r, i) => (
            <ListItem key={i} disableGutters data-testid="text-target" data-found={r.found} sx={{ py: dense ? 0 : 0.25 }}>
              <ListItemIcon sx={{ minWidth: 30 }}>
                {r.found ? (
                  <CheckCircleIcon color="success" fontSize="small" titleAccess={S.found} data-testid="tick" />
                ) : (
                  <CancelIcon color="error" fontSize="small" titleAccess={S.missing} data-testid="cross" />
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
          {S.truncated}
        </Typography>
      )}
      {check && (
        <Typography variant="caption" color="text.secondary">
          {S.provider(check.provider, check.ms)}
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
