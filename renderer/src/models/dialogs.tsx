/** The Models screen's dialogs: choose a precision to compile at; confirm a removal. */
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, MenuItem, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelInfo, Settings } from '../../../main/contract';

type Precision = Settings['precision'];

const PRECISIONS: readonly Precision[] = ['int4', 'int4-mixed', 'int4-int8', 'int4-int4', 'int8', 'fp16', 'fp32'];

export function CompileDialog({ model, initial, onClose, onStart }: { model: ModelInfo | null; initial: Precision; onClose(): void; onStart(model: ModelInfo, precision: Precision): void }) {
  const { t } = useTranslation();
  const [precision, setPrecision] = useState<Precision>(initial);
  useEffect(() => setPrecision(initial), [initial, model]);
  return (
    <Dialog open={model !== null} onClose={onClose} aria-labelledby="compile-title">
      <DialogTitle id="compile-title">{t('models.compileTitle', { name: model?.name ?? '' })}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          {t('models.compileHelp')}
        </DialogContentText>
        <TextField
          select
          fullWidth
          size="small"
          label={t('models.col.precision')}
          value={precision}
          onChange={(e) => setPrecision(e.target.value as Precision)}
          slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'compile-precision' } as object } }}
        >
          {PRECISIONS.map((p) => (
            <MenuItem key={p} value={p}>
              {t(`models.precision.${p}`)}
            </MenuItem>
          ))}
        </TextField>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button variant="contained" onClick={() => model && onStart(model, precision)} data-testid="compile-start">
          {t('models.compileStart')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export function RemoveDialog({ model, onClose, onConfirm }: { model: ModelInfo | null; onClose(): void; onConfirm(model: ModelInfo): void }) {
  const { t } = useTranslation();
  const inPlace = model?.source === 'reference';
  return (
    <Dialog open={model !== null} onClose={onClose} aria-labelledby="remove-title">
      <DialogTitle id="remove-title">{inPlace ? t('models.forgetTitle', { name: model?.name ?? '' }) : t('models.removeTitle', { name: model?.name ?? '' })}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ wordBreak: 'break-word' }}>
          {inPlace ? t('models.forgetText', { path: model?.path ?? '' }) : t('models.removeText', { path: model?.path ?? '' })}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} autoFocus>
          {t('models.keepIt')}
        </Button>
        <Button color="error" variant="contained" onClick={() => model && onConfirm(model)} data-testid="remove-confirm">
          {inPlace ? t('models.forget') : t('models.remove')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
