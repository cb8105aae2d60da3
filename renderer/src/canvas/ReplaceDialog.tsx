/** The question before an opened image replaces a document with work in it. */
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { pendingReplace } from './session';

/** Asks before an image replaces a document with work in it. */
export function ReplaceDialog() {
  const { t } = useTranslation();
  const pending = useSyncExternalStore(pendingReplace.subscribe, pendingReplace.get);
  const close = () => pendingReplace.set(null);
  return (
    <Dialog open={pending !== null} onClose={close} aria-labelledby="replace-title" data-testid="replace-dialog">
      <DialogTitle id="replace-title">{t('canvas.replaceTitle')}</DialogTitle>
      <DialogContent>
        <DialogContentText>{t('canvas.replaceText', { name: pending?.name ?? '' })}</DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={close} data-testid="replace-cancel">
          {t('canvas.replaceKeep')}
        </Button>
        <Button
          variant="contained"
          color="warning"
          data-testid="replace-confirm"
          onClick={() => {
            pending?.run();
            close();
          }}
        >
          {t('canvas.replaceConfirm')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
