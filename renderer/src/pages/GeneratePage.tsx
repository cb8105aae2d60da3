/**
 * Text to image: the prompt (quoted text highlighted), size by aspect ratio or custom, steps,
 * guidance, seed (locked or random), count. Generate (or Ctrl/Cmd+Enter) adds a job to the queue;
 * the newest job from this panel shows its live progress and then its image.
 */
import CasinoIcon from '@mui/icons-material/Casino';
import LockIcon from '@mui/icons-material/Lock';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import { Alert, Box, Button, FormControlLabel, IconButton, MenuItem, Slider, Stack, Switch, TextField, ToggleButton, ToggleButtonGroup, Tooltip, Typography } from '@mui/material';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { ApiError, call } from '../api/client';
import { JobCard } from '../components/JobCard';
import { PromptEditor } from '../components/PromptEditor';
import { ASPECTS, draftProblem, draftRequest, draftSize, generateDraft, MAX_SIDE, MIN_SIDE, randomSeed, SIDE_STEP, TIERS, type TierId } from '../generate';
import { useJobs } from '../jobs/useJobs';
import { TEXT_CHECK_STRINGS } from '../text-check';

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
  const problem = draftProblem(draft);
  const size = draftSize(draft);

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
      const { job } = await call('jobs.submit', draftRequest(d));
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

  const myJobs = mine.map((id) => jobs.find((j) => j.id === id)).filter((j) => j !== undefined).reverse();
  const [current, ...earlier] = myJobs;

  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'minmax(320px, 420px) 1fr' }, gap: 3, p: 3, alignItems: 'start' }}>
      <Stack component="section" aria-label="Generation settings" sx={{ gap: 2.5 }}>
        <Typography variant="h5" component="h2">
          Generate
        </Typography>
        <ModelNotice />
        <PromptEditor
          value={draft.prompt}
          onChange={(prompt) => set({ prompt })}
          placeholder={'A vintage travel poster of a lighthouse, the title "NORTH CAPE" in bold letters'}
        />
        <Box>
          <Typography variant="subtitle2" id="aspect-label" sx={{ mb: 0.5 }}>
            Size
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
              <ToggleButton key={a.id} value={a.id} aria-label={a.label} title={a.label}>
                {a.id}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <Stack direction="row" sx={{ gap: 1.5, mt: 1.5, alignItems: 'center', flexWrap: 'wrap' }}>
            <TextField
              select
              size="small"
              label="Resolution"
              value={draft.tier}
              disabled={draft.custom}
              onChange={(e) => set({ tier: e.target.value as TierId })}
              sx={{ minWidth: 170 }}
            >
              {TIERS.map((t) => (
                <MenuItem key={t.id} value={t.id}>
                  {t.label}
                </MenuItem>
              ))}
            </TextField>
            <FormControlLabel
              control={<Switch checked={draft.custom} onChange={(e) => set({ custom: e.target.checked, ...(e.target.checked ? size : {}) })} />}
              label="Custom"
            />
          </Stack>
          {draft.custom ? (
            <Stack direction="row" sx={{ gap: 1.5, mt: 1.5 }}>
              {(['width', 'height'] as const).map((k) => (
                <TextField
                  key={k}
                  type="number"
                  size="small"
                  label={k === 'width' ? 'Width' : 'Height'}
                  value={draft[k]}
                  onChange={(e) => set({ [k]: Number(e.target.value) })}
                  slotProps={{ htmlInput: { min: MIN_SIDE, max: MAX_SIDE, step: SIDE_STEP } }}
                  helperText={`${MIN_SIDE}–${MAX_SIDE}, ×${SIDE_STEP}`}
                />
              ))}
            </Stack>
          ) : (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }} data-testid="size-readout">
              {size.width} × {size.height} px
            </Typography>
          )}
        </Box>
        <LabelledSlider label="Steps" value={draft.steps} min={1} max={100} step={1} onChange={(steps) => set({ steps })} help="Diffusion steps: more is finer and slower (50 is the reference)." />
        <LabelledSlider label="Guidance" value={draft.guidance} min={0} max={10} step={0.1} onChange={(guidance) => set({ guidance })} help="How closely to follow the prompt (1.5 is the reference)." />
        <Stack direction="row" sx={{ gap: 1, alignItems: 'center' }}>
          <TextField
            size="small"
            type="number"
            label="Seed"
            value={draft.seedLocked ? draft.seed : ''}
            placeholder="random"
            disabled={!draft.seedLocked}
            onChange={(e) => set({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
            sx={{ flex: 1 }}
          />
          <Tooltip title={draft.seedLocked ? 'Seed locked: the same seed every time' : 'Random seed for each image'}>
            <IconButton
              aria-label={draft.seedLocked ? 'Unlock seed (random)' : 'Lock seed'}
              aria-pressed={draft.seedLocked}
              onClick={() => set({ seedLocked: !draft.seedLocked, seed: draft.seedLocked ? draft.seed : draft.seed || randomSeed() })}
            >
              {draft.seedLocked ? <LockIcon /> : <LockOpenIcon />}
            </IconButton>
          </Tooltip>
          <Tooltip title="New random seed">
            <IconButton aria-label="New random seed" onClick={() => set({ seed: randomSeed(), seedLocked: true })}>
              <CasinoIcon />
            </IconButton>
          </Tooltip>
          <TextField
            size="small"
            type="number"
            label="Count"
            value={draft.count}
            onChange={(e) => set({ count: Math.min(16, Math.max(1, Math.floor(Number(e.target.value) || 1))) })}
            slotProps={{ htmlInput: { min: 1, max: 16 } }}
            sx={{ width: 90 }}
          />
        </Stack>
        <Tooltip title={TEXT_CHECK_STRINGS.keepBestHelp}>
          <FormControlLabel
            control={<Switch checked={draft.bestByText} onChange={(e) => set({ bestByText: e.target.checked, ...(e.target.checked && draft.count < 2 ? { count: 4 } : {}) })} data-testid="best-by-text" />}
            label={TEXT_CHECK_STRINGS.keepBest}
          />
        </Tooltip>
        {problem && !error && (
          <Typography id="generate-problem" variant="caption" color="text.secondary">
            {problem}
          </Typography>
        )}
        <BoardPicker value={draft.projectId} onChange={(projectId) => set({ projectId })} />
        {error && (
          <Alert severity="error" onClose={() => setError(null)} data-testid="generate-error">
            {error}
          </Alert>
        )}
        <Button variant="contained" size="large" onClick={() => void generate()} disabled={submitting} aria-describedby={problem ? 'generate-problem' : undefined} data-testid="generate-button">
          Generate {draft.count > 1 ? `${draft.count} images` : ''}
          <Typography component="span" variant="caption" sx={{ ml: 1, opacity: 0.8 }}>
            {isMac ? '⌘↵' : 'Ctrl+Enter'}
          </Typography>
        </Button>
      </Stack>
      <Stack component="section" aria-label="Progress and results" sx={{ gap: 2 }}>
        {current ? (
          <JobCard job={current} big />
        ) : (
          <Box sx={{ border: 1, borderStyle: 'dashed', borderColor: 'divider', borderRadius: 2, p: 6, textAlign: 'center', color: 'text.secondary' }}>
            <Typography>Your image appears here while it is being made: first a coarse token grid, then the diffusion steps.</Typography>
          </Box>
        )}
        {earlier.slice(0, 6).map((j) => (
          <JobCard key={j.id} job={j} />
        ))}
      </Stack>
    </Box>
  );
}

function LabelledSlider(props: { label: string; value: number; min: number; max: number; step: number; onChange(v: number): void; help: string }) {
  const id = `slider-${props.label.toLowerCase()}`;
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
  const [projects, setProjects] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    call('projects.list', {})
      .then((r) => setProjects(r.projects))
      .catch(() => setProjects([]));
  }, []);
  return (
    <TextField select size="small" label="Board" value={value && projects.some((p) => p.id === value) ? value : ''} onChange={(e) => onChange(e.target.value || null)}>
      <MenuItem value="">No board</MenuItem>
      {projects.map((p) => (
        <MenuItem key={p.id} value={p.id}>
          {p.name}
        </MenuItem>
      ))}
    </TextField>
  );
}

function ModelNotice() {
  const [status, setStatus] = useState<{ ready: boolean; text: string } | null>(null);
  useEffect(() => {
    call('engine.status', {})
      .then((s) =>
        setStatus(
          s.model === null
            ? { ready: false, text: 'No model is chosen yet. Choose a GLM-Image folder in Settings before generating.' }
            : s.model.problem
              ? { ready: false, text: s.model.problem }
              : { ready: true, text: `${s.model.id || s.model.dir.split(/[\\/]/).filter(Boolean).pop()} · ${s.model.precision} · ${s.provider.chosen}` },
        ),
      )
      .catch(() => setStatus(null));
  }, []);
  if (!status) return null;
  return status.ready ? (
    <Typography variant="caption" color="text.secondary" data-testid="model-line">
      Model: {status.text}
    </Typography>
  ) : (
    <Alert severity="warning" action={<Button href="#/settings">Settings</Button>} data-testid="model-notice">
      {status.text}
    </Alert>
  );
}
