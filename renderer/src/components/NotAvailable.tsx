import { Alert, Box } from '@mui/material';

/** Shown for a screen whose feature has not landed in this build: no fake data, just the fact. */
export function NotAvailable({ feature, method }: { feature: string; method?: string }) {
  return (
    <Box sx={{ p: 3 }}>
      <Alert severity="info" data-testid="not-available">
        {feature} is not available in this build yet{method ? ` (the studio server does not offer ${method})` : ''}.
      </Alert>
    </Box>
  );
}
