/**
 * Text to image: the prompt (quoted text highlighted; history and presets beside it), size by aspect
 * ratio or custom, steps, guidance, seed (locked or random), count, advanced sampling (collapsed).
 * Generate (or Ctrl/Cmd+Enter) adds a job to the queue; the newest job from this panel shows its live
 * progress and then its results. On wide windows the form and the results sit side by side. The form
 * is kept in the workspace (a reload or a restart comes back to it).
 */
import CasinoIcon from '@mui/icons-material/Casino';
import InfoOutlinedIcon from '@mui/icons-material/InfoOutlined';
import LockIcon from '@mui/icons-material/Lock';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import { Alert, Box, Button, FormControlLabel, IconButton, MenuItem, Popover, Slider, Stack, Switch, TextField, ToggleButton, ToggleButtonGroup, Tooltip, Typography } from '@mui/material';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, call } from '../api/client';
import { JobCard } from '../components/JobCard';
import { PromptEditor } from '../components/PromptEditor';
import { ASPECTS, draftProblem, draftRequest, draftSize, generateDraft, MAX_SIDE, MIN_SIDE, randomSeed, SIDE_STEP, TIERS, type TierId } from '../generate';
import { AdvancedSampling } from '../generate-ui/AdvancedSampling';
import { PromptHistory } from '../generate-ui/PromptHistory';
import { PromptPresets } from '../generate-ui/PromptPresets';
import { useJobs } from '../jobs/useJobs';
import { TargetPicker, targetStore, useTargetLimits } from '../servers';
import { RecallReportView } from '../recall/RecallReportView';

/** Jobs submitted from this panel during this window's life (newest last). */
const mine: string[] = [];

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function GeneratePage() {
  const draft = useSyncExternalStore(generateDraft.subscribe, generateDraft.getState);
  const set = generateDraft.update.bind(generateDraft);
  const { jobs } = useJobs();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [, rerender] = useState(0);
  const { t } = useTranslation();
  const problem = draftProblem(draft);
  const size = draftSize(draft);
  const { refusal } = useTargetLimits({ mode: 'text' });

  const generate = useCallback(async () => {
    const d = generateDraft.getState();
    const why = draftProblem(d);
    if (why) {
      setError(why);
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const target = targetStore.getState();
      const { job } = await call('jobs.submit', { ...draftRequest(d), ...(target.type !== 'local' ? { target } : {}) });
      mine.push(job.id);
      rerender((n) => n + 1);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSubmitting(false);
    }
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void generate();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [generate]);

  // this window's jobs; after a reload or a restart, the latest text-to-image jobs of the queue
  const myJobs = mine.length > 0 ? mine.map((id) => jobs.find((j) => j.id === id)).filter((j) => j !== undefined).reverse() : jobs.filter((j) => j.request.mode === 'text');
  const [current, ...earlier] = myJobs;

  return (
    <Box
      sx={{
        display: 'grid',
        gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(300px, 400px) minmax(0, 1fr)', xl: 'minmax(360px, 460px) minmax(0, 1fr)' },
        gap: { xs: 2, md: 3 },
        p: { xs: 1.5, sm: 3 },
        alignItems: 'start',
      }}
    >
      <Stack component="section" aria-label={t('generate.settingsRegion')} sx={{ gap: 2.5, minWidth: 0 }}>
        <Typography variant="h5" component="h2">
          {t('generate.title')}
        </Typography>
        <ModelNotice />
        <RecallReportView />
        <Stack direction="row" sx={{ gap: 0.5, flexWrap: 'wrap', alignItems: 'center', mb: -1.5 }}>
          <PromptHistory onPick={(prompt) => set({ prompt })} />
          <PromptPresets />
          <NegativePromptInfo />
        </Stack>
        <PromptEditor
          value={draft.prompt}
          onChange={(prompt) => set({ prompt })}
          placeholder={t('generate.promptPlaceholder')}
        />
        <Box>
          <Typography variant="subtitle2" id="aspect-label" sx={{ mb: 0.5 }}>
            {t('generate.size')}
          </Typography>
          <ToggleButtonGroup
            value={draft.custom ? null : draft.aspect}
            exclusive
            size="small"
            aria-labelledby="aspect-label"
            onChange={(_, v: string | null) => v && set({ aspect: v, custom: false })}
            sx={{ flexWrap: 'wrap' }}
          >
            {ASPECTS.map((a) => (
              <ToggleButton key={a.id} value={a.id} aria-label={t(`generate.aspects.${a.key}`)} title={t(`generate.aspects.${a.key}`)}>
                {a.id}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <Stack direction="row" sx={{ gap: 1.5, mt: 1.5, alignItems: 'center', flexWrap: 'wrap' }}>
            <TextField
              select
              size="small"
              label={t('generate.resolution')}
              value={draft.tier}
              disabled={draft.custom}
              onChange={(e) => set({ tier: e.target.value as TierId })}
              sx={{ minWidth: 170 }}
            >
              {TIERS.map((tier) => (
                <MenuItem key={tier.id} value={tier.id}>
                  {t(`generate.tiers.${tier.id}`)}
                </MenuItem>
              ))}
            </TextField>
            <FormControlLabel
              control={<Switch checked={draft.custom} onChange={(e) => set({ custom: e.target.checked, ...(e.target.checked ? size : {}) })} />}
              label={t('generate.custom')}
            />
          </Stack>
          {draft.custom ? (
            <Stack direction="row" sx={{ gap: 1.5, mt: 1.5 }}>
              {(['width', 'height'] as const).map((k) => (
                <TextField
                  key={k}
                  type="number"
                  size="small"
                  label={k === 'width' ? t('generate.width') : t('generate.height')}
                  value={draft[k]}
                  onChange={(e) => set({ [k]: Number(e.target.value) })}
                  slotProps={{ htmlInput: { min: MIN_SIDE, max: MAX_SIDE, step: SIDE_STEP } }}
                  helperText={t('generate.sideHelp', { min: MIN_SIDE, max: MAX_SIDE, step: SIDE_STEP })}
                />
              ))}
            </Stack>
          ) : (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }} data-testid="size-readout">
              {t('generate.sizeReadout', { width: size.width, height: size.height })}
            </Typography>
          )}
        </Box>
        <LabelledSlider id="steps" label={t('generate.steps')} value={draft.steps} min={1} max={100} step={1} onChange={(steps) => set({ steps })} help={t('generate.stepsHelp')} />
        <LabelledSlider id="guidance" label={t('generate.guidance')} value={draft.guidance} min={0} max={10} step={0.1} onChange={(guidance) => set({ guidance })} help={t('generate.guidanceHelp')} />
        <Stack direction="row" sx={{ gap: 1, alignItems: 'center' }}>
          <TextField
            size="small"
            type="number"
            label={t('generate.seed')}
            value={draft.seedLocked ? draft.seed : ''}
            placeholder={t('generate.seedRandom')}
            disabled={!draft.seedLocked}
            onChange={(e) => set({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
            sx={{ flex: 1 }}
          />
          <Tooltip title={draft.seedLocked ? t('generate.seedLockedTip') : t('generate.seedRandomTip')}>
            <IconButton
              aria-label={draft.seedLocked ? t('generate.unlockSeed') : t('generate.lockSeed')}
              aria-pressed={draft.seedLocked}
              onClick={() => set({ seedLocked: !draft.seedLocked, seed: draft.seedLocked ? draft.seed : draft.seed || randomSeed() })}
            >
              {draft.seedLocked ? <LockIcon /> : <LockOpenIcon />}
            </IconButton>
          </Tooltip>
          <Tooltip title={t('generate.newSeed')}>
            <IconButton aria-label={t('generate.newSeed')} onClick={() => set({ seed: randomSeed(), seedLocked: true })}>
              <CasinoIcon />
            </IconButton>
          </Tooltip>
          <TextField
            size="small"
            type="number"
            label={t('generate.count')}
            value={draft.count}
            onChange={(e) => set({ count: Math.min(16, Math.max(1, Math.floor(Number(e.target.value) || 1))) })}
            slotProps={{ htmlInput: { min: 1, max: 16 } }}
            sx={{ width: 90 }}
          />
        </Stack>
        <Tooltip title={t('textCheck.keepBestHelp')}>
          <FormControlLabel
            control={<Switch checked={draft.bestByText} onChange={(e) => set({ bestByText: e.target.checked, ...(e.target.checked && draft.count < 2 ? { count: 4 } : {}) })} data-testid="best-by-text" />}
            label={t('textCheck.keepBest')}
          />
        </Tooltip>
        {problem && !error && (
          <Typography id="generate-problem" variant="caption" color="text.secondary">
            {problem}
          </Typography>
        )}
        <BoardPicker value={draft.projectId} onChange={(projectId) => set({ projectId })} />
        <TargetPicker request={{ mode: 'text' }} />
        <AdvancedSampling draft={draft} set={set} />
        {error && (
          <Alert severity="error" onClose={() => setError(null)} data-testid="generate-error">
            {error}
          </Alert>
        )}
        <Button variant="contained" size="large" onClick={() => void generate()} disabled={submitting || refusal !== null} aria-describedby={problem ? 'generate-problem' : undefined} data-testid="generate-button">
          {t('generate.button', { count: draft.count })}
          <Typography component="span" variant="caption" sx={{ ml: 1, opacity: 0.8 }}>
            {isMac ? '⌘↵' : t('generate.shortcut')}
          </Typography>
        </Button>
      </Stack>
      <Stack component="section" aria-label={t('generate.resultsRegion')} sx={{ gap: 2, minWidth: 0 }}>
        {current ? (
          <JobCard job={current} big />
        ) : (
          <Box sx={{ border: 1, borderStyle: 'dashed', borderColor: 'divider', borderRadius: 2, p: 6, textAlign: 'center', color: 'text.secondary' }}>
            <Typography>{t('generate.emptyResults')}</Typography>
          </Box>
        )}
        {earlier.slice(0, 6).map((j) => (
          <JobCard key={j.id} job={j} />
        ))}
      </Stack>
    </Box>
  );
}

function LabelledSlider(props: { id: string; label: string; value: number; min: number; max: number; step: number; onChange(v: number): void; help: string }) {
  const id = `slider-${props.id}`;
  return (
    <Box>
      <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'baseline' }}>
        <Typography variant="subtitle2" id={id}>
          {props.label}
        </Typography>
        <TextField
          size="small"
          type="number"
          variant="standard"
          value={props.value}
          onChange={(e) => props.onChange(Number(e.target.value))}
          slotProps={{ htmlInput: { min: props.min, max: props.max, step: props.step, 'aria-label': props.label, style: { textAlign: 'right', width: 56 } } }}
        />
      </Stack>
      <Slider value={props.value} min={props.min} max={props.max} step={props.step} onChange={(_, v) => props.onChange(v as number)} aria-labelledby={id} />
      <Typography variant="caption" color="text.secondary">
        {props.help}
      </Typography>
    </Box>
  );
}

/** Which board new images go to. */
function BoardPicker({ value, onChange }: { value: string | null; onChange(id: string | null): void }) {
  const { t } = useTranslation();
  const [projects, setProjects] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    call('projects.list', {})
      .then((r) => setProjects(r.projects))
      .catch(() => setProjects([]));
  }, []);
  return (
    <TextField select size="small" label={t('generate.board')} value={value && projects.some((p) => p.id === value) ? value : ''} onChange={(e) => onChange(e.target.value || null)}>
      <MenuItem value="">{t('generate.noBoard')}</MenuItem>
      {projects.map((p) => (
        <MenuItem key={p.id} value={p.id}>
          {p.name}
        </MenuItem>
      ))}
    </TextField>
  );
}

function ModelNotice() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<{ ready: boolean; text: string } | null>(null);
  useEffect(() => {
    call('engine.status', {})
      .then((s) =>
        setStatus(
          s.model === null
            ? { ready: false, text: t('generate.noModel') }
            : s.model.problem
              ? { ready: false, text: s.model.problem }
              : { ready: true, text: `${s.model.name} · ${s.model.precision} · ${s.provider.chosen}` },
        ),
      )
      .catch(() => setStatus(null));
  }, []);
  if (!status) return null;
  return status.ready ? (
    <Typography variant="caption" color="text.secondary" data-testid="model-line">
      {t('generate.modelLine', { model: status.text })}
    </Typography>
  ) : (
    <Alert severity="warning" action={<Button href="#/settings">{t('nav.settings')}</Button>} data-testid="model-notice">
      {status.text}
    </Alert>
  );
}

/** Where users look for a negative prompt: why there is none. */
function NegativePromptInfo() {
  const { t } = useTranslation();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  return (
    <>
      <Button size="small" color="inherit" startIcon={<InfoOutlinedIcon fontSize="small" />} onClick={(e) => setAnchor(e.currentTarget)} data-testid="negative-prompt-info">
        {t('generate.negativeButton')}
      </Button>
      <Popover open={anchor !== null} anchorEl={anchor} onClose={() => setAnchor(null)} anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}>
        <Typography variant="body2" sx={{ p: 2, maxWidth: 360 }}>
          {t('generate.noNegative')}
        </Typography>
      </Popover>
    </>
  );
}
