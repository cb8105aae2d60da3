/** The window's one message line (app/notify): each message its own time, its action (Undo, Show) beside it. */
import { Alert, Button, Snackbar } from '@mui/material';
import { useSyncExternalStore } from 'react';
import { dismissNotice, notice } from './notify';

export function NotifyHost() {
  const current = useSyncExternalStore(notice.subscribe, notice.get);
  const action = current?.action;
  const button = action ? (
    <Button
      color="secondary"
      size="small"
      data-testid={action.testId ?? 'notice-action'}
      onClick={() => {
        dismissNotice();
        void action.run();
      }}
    >
      {action.label}
    </Button>
  ) : undefined;
  return (
    <Snackbar
      key={current?.n ?? 0}
      open={current !== null}
      autoHideDuration={action ? 10_000 : 5000}
      onClose={(_, reason) => reason !== 'clickaway' && dismissNotice()}
      {...(current?.severity === 'error' ? {} : { message: current?.message, action: button })}
      data-testid="notice"
    >
      {current?.severity === 'error' ? (
        <Alert severity="error" variant="filled" onClose={dismissNotice} action={button} sx={{ maxWidth: 560 }}>
          {current.message}
        </Alert>
      ) : undefined}
    </Snackbar>
  );
}
