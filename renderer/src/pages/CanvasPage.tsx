/**
 * The canvas editor: open an image (file dialog, drop, paste, or from the gallery; a PNG's recipe
 * fills the mode panel; opening over work asks first), paint or select a mask, extend the canvas
 * (outpainting), crop, zoom and pan, add reference slots with roles, and run one of the three
 * image-to-image modes. Results come back as new versions linked to the version they were made from,
 * each a layer over its source with a before/after compare. The whole document and the mode panel
 * are kept in the workspace. The side panels live beside CanvasView in renderer/src/canvas/.
 */
import AddPhotoAlternateIcon from '@mui/icons-material/AddPhotoAlternate';
import AutoFixOffIcon from '@mui/icons-material/AutoFixOff';
import BrushIcon from '@mui/icons-material/Brush';
import CropIcon from '@mui/icons-material/Crop';
import CropFreeIcon from '@mui/icons-material/CropFree';
import FileOpenIcon from '@mui/icons-material/FileOpen';
import FitScreenIcon from '@mui/icons-material/FitScreen';
import GestureIcon from '@mui/icons-material/Gesture';
import HighlightAltIcon from '@mui/icons-material/HighlightAlt';
import OpenInFullIcon from '@mui/icons-material/OpenInFull';
import PanToolIcon from '@mui/icons-material/PanTool';
import RedoIcon from '@mui/icons-material/Redo';
import UndoIcon from '@mui/icons-material/Undo';
import ZoomInIcon from '@mui/icons-material/ZoomIn';
import ZoomOutIcon from '@mui/icons-material/ZoomOut';
import {
  Alert,
  Box,
  Button,
  Divider,
  IconButton,
  Slider,
  Stack,
  Tab,
  Tabs,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import { type ReactNode, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { GenerateRequestInput, ImageRef } from '../../../main/contract';
import { ApiError } from '../api/client';
import { CanvasView } from '../canvas/CanvasView';
import { ExtendPanel } from '../canvas/ExtendPanel';
import { LayersPanel } from '../canvas/LayersPanel';
import { ReplaceDialog } from '../canvas/ReplaceDialog';
import { defaultSlot, SlotsPanel } from '../canvas/SlotsPanel';
import { VersionsPanel } from '../canvas/VersionsPanel';
import { fileToImageSource, flattenedDataUrl, imageBase64, maskBase64 } from '../canvas/images';
import { canvasForm, canvasJobIds, canvasStore as store, resultProblems, setCanvasForm, submitFromCanvas, type CanvasMode } from '../canvas/session';
import { outputSize } from '../canvas/output';
import { CROP_STEP } from '../canvas/store';
import { imageFileOf, readDropped } from '../recall/dropped';
import { openOnCanvas, recallOf } from '../recall/state';
import { docRect, imagesForMode, type Edges, type Layer, type Rect, type ToolKind } from '../canvas';
import { JobCard } from '../components/JobCard';
import { PromptEditor } from '../components/PromptEditor';
import { fmt } from '../i18n';
import { useJobs } from '../jobs/useJobs';
import { TargetPicker, targetStore, useTargetLimits } from '../servers';

type Mode = CanvasMode;

/** The three image-to-image modes (their words: canvas.modes.<mode>.*). */
const MODES: readonly Mode[] = ['edit', 'style', 'identity'];

const TOOLS: { kind: ToolKind; key: string; icon: ReactNode }[] = [
  { kind: 'brush', key: 'B', icon: <BrushIcon /> },
  { kind: 'eraser', key: 'E', icon: <AutoFixOffIcon /> },
  { kind: 'rect', key: 'M', icon: <HighlightAltIcon /> },
  { kind: 'lasso', key: 'L', icon: <GestureIcon /> },
  { kind: 'pan', key: 'H', icon: <PanToolIcon /> },
  { kind: 'crop', key: 'C', icon: <CropIcon /> },
  { kind: 'extend', key: 'X', icon: <OpenInFullIcon /> },
];

export function CanvasPage() {
  const { t } = useTranslation();
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const viewport = useRef({ w: 800, h: 600 });
  const fileInput = useRef<HTMLInputElement>(null);
  const refInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragOver, setDragOver] = useState(false);
  const base = state.doc.layers.find((l) => l.role === 'base') ?? null;

  const openFile = async (file: File | undefined, asReference = false) => {
    if (!file) return;
    setError(null);
    try {
      if (asReference && store.base()) {
        store.addReference({ ...(await fileToImageSource(file)), slot: defaultSlot(canvasForm.get().mode) });
        return;
      }
      // an image opened here brings its recipe (if it has one) into the mode panel
      const image = await readDropped(file, file.name || t('canvas.pastedImage'));
      openOnCanvas(image, await recallOf(image));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  // undo/redo anywhere on this screen except while typing
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (!(e.ctrlKey || e.metaKey) || (target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT'))) return;
      const k = e.key.toLowerCase();
      if (k === 'z') e.shiftKey ? store.redo() : store.undo();
      else if (k === 'y') store.redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // a paste anywhere on this screen opens here (recall/RecallHost sends it to the canvas on this screen)

  const dropProps = {
    onDragOver: (e: React.DragEvent) => {
      if ([...e.dataTransfer.items].some((i) => i.kind === 'file')) {
        e.preventDefault();
        setDragOver(true);
      }
    },
    onDragLeave: () => setDragOver(false),
    onDrop: (e: React.DragEvent) => {
      const file = imageFileOf(e.dataTransfer);
      if (!file) return;
      e.preventDefault();
      setDragOver(false);
      void openFile(file);
    },
  };

  return (
    <Box
      sx={{
        display: 'grid',
        gridTemplateColumns: { xs: '52px minmax(0, 1fr)', md: '56px minmax(0, 1fr) 320px', lg: '56px minmax(0, 1fr) 360px' },
        gridTemplateRows: { xs: 'minmax(320px, 70vh) auto', md: 'minmax(0, 1fr)' },
        height: { xs: 'auto', md: 'calc(100vh - 48px)' },
      }}
    >
      <input ref={fileInput} type="file" accept="image/png,image/jpeg,image/webp" hidden data-testid="open-file" onChange={(e) => void openFile(e.target.files?.[0]).then(() => (e.target.value = ''))} />
      <input ref={refInput} type="file" accept="image/png,image/jpeg,image/webp" hidden data-testid="add-reference-file" onChange={(e) => void openFile(e.target.files?.[0], true).then(() => (e.target.value = ''))} />
      <ReplaceDialog />
      <Toolbox viewport={viewport.current} disabled={!base} />
      <Stack sx={{ minWidth: 0, borderLeft: 1, borderRight: 1, borderColor: 'divider' }}>
        <BrushBar />
        <Box sx={{ flex: 1, position: 'relative', minHeight: 0, outline: dragOver ? '3px dashed' : 'none', outlineColor: 'primary.main', outlineOffset: -6 }} {...dropProps}>
          {base ? (
            <CanvasView store={store} onViewport={(w, h) => (viewport.current = { w, h })} />
          ) : (
            <Stack sx={{ height: '100%', alignItems: 'center', justifyContent: 'center', gap: 2, color: 'text.secondary', p: 4, textAlign: 'center' }}>
              <Typography variant="h6" component="p">
                {t('canvas.emptyTitle')}
              </Typography>
              <Typography>{t('canvas.emptyHelp')}</Typography>
              <Button variant="contained" startIcon={<FileOpenIcon />} onClick={() => fileInput.current?.click()}>
                {t('canvas.openImage')}
              </Button>
            </Stack>
          )}
        </Box>
      </Stack>
      <Box component="aside" aria-label={t('canvas.aside')} sx={{ overflowY: 'auto', overflowX: 'hidden', p: 2, minWidth: 0, gridColumn: { xs: '1 / -1', md: 'auto' } }}>
        {error && (
          <Alert severity="error" onClose={() => setError(null)} sx={{ mb: 2 }}>
            {error}
          </Alert>
        )}
        <Stack direction="row" sx={{ gap: 1, mb: 2 }}>
          <Button variant="outlined" size="small" startIcon={<FileOpenIcon />} onClick={() => fileInput.current?.click()}>
            {t('canvas.open')}
          </Button>
          <Button variant="outlined" size="small" startIcon={<AddPhotoAlternateIcon />} disabled={!base} onClick={() => refInput.current?.click()}>
            {t('canvas.addReference')}
          </Button>
        </Stack>
        {base && (
          <>
            <LayersPanel />
            <Divider sx={{ my: 2 }} />
            <SlotsPanel />
            <Divider sx={{ my: 2 }} />
            <ExtendPanel />
            <Divider sx={{ my: 2 }} />
            <VersionsPanel />
            <Divider sx={{ my: 2 }} />
            <ModePanel />
          </>
        )}
      </Box>
    </Box>
  );
}

function Toolbox({ viewport, disabled }: { viewport: { w: number; h: number }; disabled: boolean }) {
  const { t } = useTranslation();
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const btn = (label: string, icon: ReactNode, onClick: () => void, off = disabled, testId?: string) => (
    <Tooltip title={label} placement="right">
      <span>
        <IconButton aria-label={label} onClick={onClick} disabled={off} data-testid={testId}>
          {icon}
        </IconButton>
      </span>
    </Tooltip>
  );
  return (
    // in a short window (200 % zoom) the tools scroll rather than being cut off
    <Stack role="toolbar" aria-label={t('canvas.tools')} aria-orientation="vertical" sx={{ alignItems: 'center', py: 1, gap: 0.5, minHeight: 0, overflowY: 'auto', overflowX: 'hidden' }}>
      <ToggleButtonGroup orientation="vertical" exclusive size="small" value={state.tool.kind} onChange={(_, v: ToolKind | null) => v && store.setTool({ kind: v })} disabled={disabled}>
        {TOOLS.map((tool) => (
          <ToggleButton key={tool.kind} value={tool.kind} aria-label={t('canvas.toolKey', { tool: t(`canvas.tool.${tool.kind}`), key: tool.key })} title={t('canvas.toolKey', { tool: t(`canvas.tool.${tool.kind}`), key: tool.key })} data-testid={`tool-${tool.kind}`}>
            {tool.icon}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <Divider flexItem sx={{ my: 0.5 }} />
      {btn(t('canvas.undo'), <UndoIcon />, () => store.undo(), disabled || !state.canUndo, 'undo')}
      {btn(t('canvas.redo'), <RedoIcon />, () => store.redo(), disabled || !state.canRedo, 'redo')}
      <Divider flexItem sx={{ my: 0.5 }} />
      {btn(t('canvas.zoomIn'), <ZoomInIcon />, () => store.zoomAt(1.25, viewport.w / 2, viewport.h / 2))}
      {btn(t('canvas.zoomOut'), <ZoomOutIcon />, () => store.zoomAt(0.8, viewport.w / 2, viewport.h / 2))}
      {btn(t('canvas.fit'), <FitScreenIcon />, () => store.fit(viewport.w, viewport.h), disabled, 'zoom-fit')}
      <Tooltip title={t('canvas.actualSizeTip')} placement="right">
        <span>
          <Button size="small" sx={{ minWidth: 40 }} aria-label={t('canvas.actualSize')} onClick={() => store.actualSize(viewport.w, viewport.h)} disabled={disabled}>
            1:1
          </Button>
        </span>
      </Tooltip>
      <Typography variant="caption" color="text.secondary" data-testid="zoom-readout">
        {fmt.percent(state.view.zoom)}
      </Typography>
    </Stack>
  );
}

function BrushBar() {
  const { t } = useTranslation();
  const { tool, doc } = useSyncExternalStore(store.subscribe, store.getState);
  const brush = tool.kind === 'brush' || tool.kind === 'eraser';
  const key = TOOLS.find((x) => x.kind === tool.kind)?.key ?? '';
  return (
    <Stack direction="row" sx={{ alignItems: 'center', columnGap: 2, rowGap: 0, px: 2, py: 0.5, borderBottom: 1, borderColor: 'divider', minHeight: 48, flexWrap: 'wrap' }}>
      <Typography variant="caption" sx={{ minWidth: 64, fontWeight: 600 }} data-testid="tool-state" aria-live="polite">
        {t('canvas.toolKey', { tool: t(`canvas.toolShort.${tool.kind}`), key })}
      </Typography>
      {brush && (
        <>
          <Typography variant="caption" id="brush-size">
            {t('canvas.brushSize')}
          </Typography>
          <Slider size="small" min={1} max={512} value={tool.size} onChange={(_, v) => store.setTool({ size: v as number })} aria-labelledby="brush-size" sx={{ maxWidth: 180, minWidth: 80, flex: 1 }} valueLabelDisplay="auto" data-testid="brush-size" />
          <Typography variant="caption" id="brush-hardness">
            {t('canvas.hardness')}
          </Typography>
          <Slider size="small" min={0} max={1} step={0.05} value={tool.hardness} onChange={(_, v) => store.setTool({ hardness: v as number })} aria-labelledby="brush-hardness" sx={{ maxWidth: 140, minWidth: 70, flex: 1 }} valueLabelDisplay="auto" />
        </>
      )}
      {(tool.kind === 'rect' || tool.kind === 'lasso') && (
        <Typography variant="caption" color="text.secondary">
          {t('canvas.selectHelp')}
        </Typography>
      )}
      {tool.kind === 'extend' && (
        <Typography variant="caption" color="text.secondary">
          {t('canvas.extendHandleHelp', { step: CROP_STEP })}
        </Typography>
      )}
      {tool.kind === 'crop' && !doc.crop && (
        <Typography variant="caption" color="text.secondary">
          {t('canvas.cropHelp', { step: CROP_STEP })}
        </Typography>
      )}
      <Box sx={{ flex: 1 }} />
      {doc.crop && (
        <Button size="small" startIcon={<CropFreeIcon />} onClick={() => store.setCrop(null)} title={t('canvas.cropSnapped', { step: CROP_STEP })}>
          {t('canvas.removeCrop', { width: doc.crop.width, height: doc.crop.height })}
        </Button>
      )}
    </Stack>
  );
}

async function refFor(layer: Layer, crop: Rect | null, extend: Edges | null = null): Promise<ImageRef> {
  if (layer.generationId && !crop && !extend) return { generationId: layer.generationId };
  return { dataBase64: await imageBase64(layer.src, layer.width, layer.height, crop, extend, canvasForm.get().fill), name: `${layer.name}.png` };
}

function ModePanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const { jobs } = useJobs();
  const { mode, prompt, steps, guidance } = useSyncExternalStore(canvasForm.subscribe, canvasForm.get);
  const setMode = (m: Mode) => setCanvasForm({ mode: m });
  const setPrompt = (p: string) => setCanvasForm({ prompt: p });
  const setSteps = (n: number) => setCanvasForm({ steps: n });
  const setGuidance = (g: number) => setCanvasForm({ guidance: g });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const base = doc.layers.find((l) => l.role === 'base')!;
  const uses = imagesForMode(mode, base, doc.layers);
  const region = doc.crop ?? docRect(base.width, base.height, doc.extend);
  const out = outputSize(region.width, region.height);
  const problem =
    doc.extend && mode !== 'edit'
      ? t('canvas.extendNeedsEdit')
      : uses.missing === 'style'
        ? t('canvas.needStyle')
        : mode !== 'style' && prompt.trim() === '' && !(mode === 'edit' && doc.extend)
          ? t(`canvas.modes.${mode}.needPrompt`)
          : null;

  const masked = mode === 'edit' && (doc.mask.strokes.length > 0 || doc.extend !== null);
  const { refusal } = useTargetLimits({ mode, ...(masked ? { mask: true } : {}) });
  // an error about what was missing goes once it is fixed (or another mode is chosen)
  useEffect(() => setError(null), [problem, refusal, mode]);
  const run = async () => {
    if (problem) return setError(problem);
    if (refusal) return setError(refusal);
    setBusy(true);
    setError(null);
    try {
      const common = {
        prompt: prompt.trim() !== '' ? prompt : mode === 'style' ? t('canvas.defaultStylePrompt') : t('canvas.defaultOutpaintPrompt'),
        width: out.width,
        height: out.height,
        steps,
        guidance,
        ...(base.generationId ? { parentId: base.generationId } : {}),
      };
      // the base image as cropped/extended; a slot as it is
      // what is drawn is what is sent: a layer stack with a result hidden, see-through or moved goes flattened
      const cur = store.currentVersion();
      const sent = store.blended() && cur ? { ...base, src: await flattenedDataUrl(store.stack(), cur.width, cur.height), generationId: null } : base;
      const refs = await Promise.all(uses.images.map(({ layer }) => (layer === base ? refFor(sent, doc.crop, doc.extend) : refFor(layer, null))));
      let request: GenerateRequestInput;
      if (mode === 'edit') {
        const mask = maskBase64(doc.mask, base.width, base.height, doc.crop, doc.extend);
        request = { mode: 'edit', ...common, images: refs, ...(mask ? { mask: { dataBase64: mask, name: 'mask.png' } } : {}) };
      } else if (mode === 'style') {
        request = { mode: 'style', ...common, content: refs[0]!, style: refs[1]!, ...(refs.length > 2 ? { moreStyles: refs.slice(2) } : {}) };
      } else {
        request = { mode: 'identity', ...common, subject: refs[0]! };
      }
      const target = targetStore.getState();
      // where the image sent lies in the result (fractions): the crop or the extension moves it
      const place = { x: -region.x / region.width, y: -region.y / region.height, width: base.width / region.width, height: base.height / region.height };
      const whole = place.x === 0 && place.y === 0 && place.width === 1 && place.height === 1;
      await submitFromCanvas(target.type !== 'local' ? { ...request, target } : request, doc.currentVersionId, uses.images[0]?.layer === base && !whole ? place : null);
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const latest = [...canvasJobIds].reverse().map((id) => jobs.find((j) => j.id === id)).find((j) => j !== undefined);
  const problemOfLatest = latest ? resultProblems.get(latest.id) : undefined;
  return (
    <Box>
      <Tabs value={mode} onChange={(_, m: Mode) => setMode(m)} aria-label={t('canvas.modeTabs')} variant="fullWidth">
        {MODES.map((m) => (
          <Tab key={m} value={m} label={t(`canvas.modes.${m}.label`)} data-testid={`mode-${m}`} />
        ))}
      </Tabs>
      <Typography variant="body2" color="text.secondary" sx={{ my: 1.5 }}>
        {t(`canvas.modes.${mode}.help`)}
      </Typography>
      <PromptEditor id="canvas-prompt" label={t(`canvas.modes.${mode}.prompt`)} value={prompt} onChange={setPrompt} placeholder={t(`canvas.modes.${mode}.placeholder`)} minRows={3} onSubmit={() => void run()} />
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }} data-testid="mode-images">
        {t('canvas.sends', { list: uses.images.map(({ layer, use }) => t('canvas.sendsItem', { name: layer === base ? t('canvas.defaultImage') : layer.name, use: t(`canvas.use.${use}`) })).join(', ') })}
        {uses.unused.length > 0 ? t('canvas.unusedSlots', { list: uses.unused.map((l) => l.name).join(', ') }) : ''}
      </Typography>
      <Stack direction="row" sx={{ gap: 1.5, mt: 1 }}>
        <TextField size="small" type="number" label={t('generate.steps')} value={steps} onChange={(e) => setSteps(Math.max(1, Math.min(200, Math.round(Number(e.target.value) || 1))))} />
        <TextField size="small" type="number" label={t('generate.guidance')} value={guidance} onChange={(e) => setGuidance(Math.max(0, Math.min(20, Number(e.target.value) || 0)))} slotProps={{ htmlInput: { step: 0.1 } }} />
      </Stack>
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }}>
        <span data-testid="canvas-output">
          {t('canvas.output', { width: out.width, height: out.height })}
          {doc.crop ? t('canvas.fromCrop') : ''}
          {out.scaled ? t('canvas.scaledFrom', { width: region.width, height: region.height }) : ''}
        </span>
        {mode === 'edit' ? (doc.extend ? t('canvas.outpaint') : doc.mask.strokes.length > 0 ? t('canvas.masked') : t('canvas.unmasked')) : ''}
      </Typography>
      <Box sx={{ mt: 1.5 }}>
        <TargetPicker request={{ mode, ...(masked ? { mask: true } : {}) }} />
      </Box>
      {error && (
        <Alert severity="error" sx={{ mt: 1 }} onClose={() => setError(null)} data-testid="canvas-error">
          {error}
        </Alert>
      )}
      <Button fullWidth variant="contained" sx={{ mt: 1.5 }} onClick={() => void run()} disabled={busy || refusal !== null} data-testid="canvas-run">
        {t(`canvas.modes.${mode}.run`)}
      </Button>
      {latest && (
        <Box sx={{ mt: 2 }}>
          <JobCard job={latest} />
        </Box>
      )}
      {problemOfLatest && (
        <Alert severity="warning" sx={{ mt: 1 }}>
          {problemOfLatest}
        </Alert>
      )}
    </Box>
  );
}
