/**
 * Advanced sampling, collapsed: the AR's temperature and top-p (GLM-Image's own 0.9 and 0.75 unless
 * changed), recorded in each image's recipe and put back by "use these settings"; and where users
 * look for a negative prompt, why there is none.
 */
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { Accordion, AccordionDetails, AccordionSummary, Box, Button, Slider, Stack, TextField, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { SAMPLING_RANGE } from '../../../main/contract';
import { MODEL_SAMPLING, type GenerateDraft } from '../generate';

function Row(props: { id: string; label: string; value: number; min: number; max: number; onChange(v: number): void; isDefault: boolean }) {
  const { t } = useTranslation();
  return (
    <Box>
      <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'baseline', gap: 1 }}>
        <Typography variant="subtitle2" id={`adv-${props.id}`}>
          {props.label}
        </Typography>
        <Typography variant="caption" color="text.secondary" sx={{ flex: 1 }}>
          {props.isDefault ? t('generate.modelDefault') : ''}
        </Typography>
        <TextField
          size="small"
          type="number"
          variant="standard"
          value={props.value}
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v)) props.onChange(Math.min(props.max, Math.max(props.min, v)));
          }}
          slotProps={{ htmlInput: { min: props.min, max: props.max, step: 0.05, 'aria-label': props.label, 'data-testid': `adv-${props.id}`, style: { textAlign: 'right', width: 56 } } }}
        />
      </Stack>
      <Slider value={props.value} min={props.min} max={props.max} step={0.05} onChange={(_, v) => props.onChange(v as number)} aria-labelledby={`adv-${props.id}`} />
    </Box>
  );
}

export function AdvancedSampling({ draft, set }: { draft: GenerateDraft; set(patch: Partial<GenerateDraft>): void }) {
  const { t } = useTranslation();
  const changed = draft.temperature !== null || draft.topP !== null;
  return (
    <Accordion disableGutters variant="outlined" sx={{ '&:before': { display: 'none' } }} data-testid="advanced">
      <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-controls="advanced-content" id="advanced-header" data-testid="advanced-toggle">
        <Typography variant="subtitle2">
          {t('generate.advanced')}
          {changed ? t('generate.advancedChanged', { temperature: draft.temperature ?? MODEL_SAMPLING.temperature, topP: draft.topP ?? MODEL_SAMPLING.topP }) : ''}
        </Typography>
      </AccordionSummary>
      <AccordionDetails id="advanced-content">
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 0, mb: 1 }}>
          {t('generate.advancedHelp')}
        </Typography>
        <Row
          id="temperature"
          label={t('generate.temperature')}
          value={draft.temperature ?? MODEL_SAMPLING.temperature}
          min={SAMPLING_RANGE.temperature.min}
          max={SAMPLING_RANGE.temperature.max}
          isDefault={draft.temperature === null}
          onChange={(temperature) => set({ temperature })}
        />
        <Row
          id="top-p"
          label={t('generate.topP')}
          value={draft.topP ?? MODEL_SAMPLING.topP}
          min={SAMPLING_RANGE.topP.min}
          max={SAMPLING_RANGE.topP.max}
          isDefault={draft.topP === null}
          onChange={(topP) => set({ topP })}
        />
        <Button size="small" disabled={!changed} onClick={() => set({ temperature: null, topP: null })} data-testid="advanced-reset">
          {t('generate.advancedReset')}
        </Button>
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1.5, mb: 0 }} data-testid="no-negative-prompt">
          {t('generate.noNegative')}
        </Typography>
      </AccordionDetails>
    </Accordion>
  );
}
