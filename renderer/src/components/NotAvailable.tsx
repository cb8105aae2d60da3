import { Alert, Box } from '@mui/material';

/** Shown for a screen whose feature has not landed in this build: no fake data, just the fact. */
export function NotAvailable({ feature }: { feature: string }) {
  return (
    <Box sx={{ p: 3 }}>
      <Alert severity="info">{feature} is not available in this build yet.</Alert>
    </Box>
  );
}
