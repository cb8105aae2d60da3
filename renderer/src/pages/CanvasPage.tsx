/**
 * The canvas editor: open an image (file dialog, drop, paste, or from the gallery; a PNG's recipe
 * fills the mode panel), paint a mask, crop, zoom and pan, add reference images, and run one of the
 * three image-to-image modes. Results come back as new versions linked to the version they were made
 * from. The document and the mode panel are kept in the workspace.
 */
import AddPhotoAlternateIcon from '@mui/icons-material/AddPhotoAlternate';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowForwardIcon from '@mui/icons-material/ArrowForward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import AutoFixOffIcon from '@mui/icons-material/AutoFixOff';
import BrushIcon from '@mui/icons-material/Brush';
import CloseIcon from '@mui/icons-material/Close';
import CropIcon from '@mui/icons-material/Crop';
import CropFreeIcon from '@mui/icons-material/CropFree';
import FileOpenIcon from '@mui/icons-material/FileOpen';
import FileDownloadIcon from '@mui/icons-material/FileDownload';
import FitScreenIcon from '@mui/icons-material/FitScreen';
import GestureIcon from '@mui/icons-material/Gesture';
import HighlightAltIcon from '@mui/icons-material/HighlightAlt';
import LayersClearIcon from '@mui/icons-material/LayersClear';
import OpenInFullIcon from '@mui/icons-material/OpenInFull';
import PanToolIcon from '@mui/icons-material/PanTool';
import RedoIcon from '@mui/icons-material/Redo';
import UndoIcon from '@mui/icons-material/Undo';
import VisibilityIcon from '@mui/icons-material/Visibility';
import VisibilityOffIcon from '@mui/icons-material/VisibilityOff';
import ZoomInIcon from '@mui/icons-material/ZoomIn';
import ZoomOutIcon from '@mui/icons-material/ZoomOut';
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Divider,
  FormControlLabel,
  IconButton,
  List,
  ListItem,
  ListItemButton,
  ListItemText,
  MenuItem,
  Slider,
  Stack,
  Switch,
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
import { fileToImageSource, flattenedDataUrl, imageBase64, maskBase64 } from '../canvas/images';
import { canvasForm, canvasJobIds, canvasStore as store, pendingReplace, resultProblems, setCanvasForm, submitFromCanvas, type CanvasMode } from '../canvas/session';
import { outputSize } from '../canvas/output';
import { CROP_STEP } from '../canvas/store';
import { imageFileOf, readDropped } from '../recall/dropped';
import { openOnCanvas, recallOf } from '../recall/state';
import { ASPECTS } from '../generate';
import { docRect, imagesForMode, MAX_EXTEND, MAX_MASK_EDGE, SLOT_ROLES, type Edges, type Layer, type Rect, type SlotRole, type ToolKind } from '../canvas';
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
    <Stack role="toolbar" aria-label={t('canvas.tools')} aria-orientation="vertical" sx={{ alignItems: 'center', py: 1, gap: 0.5 }}>
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

/** Asks before an image replaces a document with work in it. */
function ReplaceDialog() {
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

function LayersPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const layers = doc.layers.filter((l) => l.role === 'base');
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {t('canvas.layers')}
      </Typography>
      <List dense disablePadding aria-label={t('canvas.layers')}>
        <ListItem
          disableGutters
          secondaryAction={
            <Stack direction="row">
              <Tooltip title={t('canvas.clearMask')}>
                <span>
                  <IconButton size="small" aria-label={t('canvas.clearMask')} disabled={doc.mask.strokes.length === 0} onClick={() => store.clearMask()} data-testid="clear-mask">
                    <LayersClearIcon fontSize="small" />
                  </IconButton>
                </span>
              </Tooltip>
              <VisibilityButton visible={doc.mask.visible} what={t('canvas.mask')} onToggle={() => store.setMaskVisible(!doc.mask.visible)} />
            </Stack>
          }
        >
          <ListItemText primary={t('canvas.mask')} secondary={<span data-testid="mask-strokes">{t('canvas.strokes', { count: doc.mask.strokes.length })}</span>} />
        </ListItem>
        <Box sx={{ px: 1 }}>
          <Slider
            size="small"
            min={0}
            max={1}
            step={0.05}
            value={doc.mask.opacity}
            onChange={(_, v) => store.setMaskOpacity(v as number, true)}
            onChangeCommitted={() => store.endGesture()}
            aria-label={t('canvas.maskOpacity')}
          />
        </Box>
        <MaskControls />
        <ResultLayerRow />
        {layers.map((l) => (
          <LayerRow key={l.id} layer={l} />
        ))}
      </List>
    </Box>
  );
}

/** The current version as a layer over its source: visibility, opacity, delete; and the flattened export. */
function ResultLayerRow() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const cur = doc.versions.find((v) => v.id === doc.currentVersionId);
  const source = cur?.parentId ? doc.versions.find((v) => v.id === cur.parentId) : undefined;
  const exportFlat = async () => {
    if (!cur) return;
    const a = document.createElement('a');
    a.href = await flattenedDataUrl(cur, source ?? null);
    a.download = `${cur.label.replace(/[^\p{L}\p{N}._ -]+/gu, '_') || 'canvas'}.png`;
    a.click();
  };
  return (
    <>
      {cur && source && (
        <Box data-testid="layer-result">
          <ListItem
            disableGutters
            secondaryAction={
              <Stack direction="row">
                <VisibilityButton visible={cur.visible} what={cur.label} onToggle={() => store.setResultVisible(cur.id, !cur.visible)} />
                <IconButton size="small" aria-label={t('canvas.deleteResult', { name: cur.label })} onClick={() => store.removeVersion(cur.id)} data-testid="result-delete">
                  <CloseIcon fontSize="small" />
                </IconButton>
              </Stack>
            }
          >
            <Box component="img" src={cur.src} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1, opacity: cur.visible ? cur.opacity : 0.3 }} />
            <ListItemText primary={cur.label} secondary={t('canvas.resultOver', { version: source.label })} slotProps={{ primary: { noWrap: true } }} sx={{ pr: 8 }} />
          </ListItem>
          <Box sx={{ px: 1 }}>
            <Slider
              size="small"
              min={0}
              max={1}
              step={0.05}
              value={cur.opacity}
              onChange={(_, v) => store.setResultOpacity(cur.id, v as number, true)}
              onChangeCommitted={() => store.endGesture()}
              aria-label={t('canvas.resultOpacity', { name: cur.label })}
            />
          </Box>
        </Box>
      )}
      <Button size="small" startIcon={<FileDownloadIcon />} onClick={() => void exportFlat()} disabled={!cur} data-testid="export-flat" sx={{ ml: 0.5, mb: 1 }}>
        {t('canvas.exportFlat')}
      </Button>
    </>
  );
}

/** Invert, grow/shrink and feather: they apply to the whole mask (painted, selected and the extension). */
function MaskControls() {
  const { t } = useTranslation();
  const { mask } = useSyncExternalStore(store.subscribe, store.getState).doc;
  return (
    <Box sx={{ px: 1, pb: 1 }}>
      <FormControlLabel
        control={<Switch size="small" checked={mask.invert} onChange={(e) => store.setMaskInvert(e.target.checked)} data-testid="mask-invert" />}
        label={<Typography variant="caption">{t('canvas.invertMask')}</Typography>}
      />
      <Typography variant="caption" id="mask-grow" sx={{ display: 'block' }}>
        {t('canvas.growMask', { value: mask.grow })}
      </Typography>
      <Slider size="small" min={-64} max={64} step={1} value={Math.max(-64, Math.min(64, mask.grow))} onChange={(_, v) => store.setMaskGrow(v as number, true)} onChangeCommitted={() => store.endGesture()} aria-labelledby="mask-grow" data-testid="mask-grow" />
      <Typography variant="caption" id="mask-feather" sx={{ display: 'block' }}>
        {t('canvas.featherMask', { value: mask.feather })}
      </Typography>
      <Slider size="small" min={0} max={Math.min(64, MAX_MASK_EDGE)} step={1} value={Math.min(64, mask.feather)} onChange={(_, v) => store.setMaskFeather(v as number, true)} onChangeCommitted={() => store.endGesture()} aria-labelledby="mask-feather" data-testid="mask-feather" />
    </Box>
  );
}

const SIDES: { side: keyof Edges; icon: ReactNode }[] = [
  { side: 'left', icon: <ArrowBackIcon fontSize="small" /> },
  { side: 'top', icon: <ArrowUpwardIcon fontSize="small" /> },
  { side: 'right', icon: <ArrowForwardIcon fontSize="small" /> },
  { side: 'bottom', icon: <ArrowDownwardIcon fontSize="small" /> },
];

/** Outpainting: the canvas extended on any side, by a number of pixels or to an aspect ratio; the new area is masked. */
function ExtendPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const [by, setBy] = useState(128);
  const [aspect, setAspect] = useState('16:9');
  const e = doc.extend;
  const a = ASPECTS.find((x) => x.id === aspect) ?? ASPECTS[0]!;
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {t('canvas.extend')}
      </Typography>
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mb: 1 }}>
        {t('canvas.extendHelp')}
      </Typography>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 0.5, flexWrap: 'wrap' }}>
        <TextField size="small" type="number" label={t('canvas.extendBy')} value={by} onChange={(ev) => setBy(Math.max(1, Math.min(MAX_EXTEND, Math.round(Number(ev.target.value) || 1))))} sx={{ width: 96 }} slotProps={{ htmlInput: { step: 32, 'data-testid': 'extend-by' } }} />
        {SIDES.map(({ side, icon }) => (
          <Tooltip key={side} title={t(`canvas.extendSide.${side}`, { n: by })}>
            <IconButton size="small" aria-label={t(`canvas.extendSide.${side}`, { n: by })} onClick={() => store.extendBy(by, [side])} data-testid={`extend-${side}`}>
              {icon}
            </IconButton>
          </Tooltip>
        ))}
        <Button size="small" onClick={() => store.extendBy(by, ['left', 'top', 'right', 'bottom'])} data-testid="extend-all">
          {t('canvas.extendAll')}
        </Button>
      </Stack>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mt: 1 }}>
        <TextField select size="small" label={t('canvas.extendAspect')} value={aspect} onChange={(ev) => setAspect(ev.target.value)} sx={{ minWidth: 120 }} slotProps={{ htmlInput: { 'data-testid': 'extend-aspect' } }}>
          {ASPECTS.map((x) => (
            <MenuItem key={x.id} value={x.id}>
              {x.id}
            </MenuItem>
          ))}
        </TextField>
        <Button size="small" onClick={() => store.extendToAspect(a.w, a.h)} data-testid="extend-to-aspect">
          {t('canvas.extendTo')}
        </Button>
      </Stack>
      {e && (
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mt: 1 }}>
          <Typography variant="caption" data-testid="extend-state">
            {t('canvas.extended', { left: e.left, top: e.top, right: e.right, bottom: e.bottom })}
          </Typography>
          <Button size="small" onClick={() => store.setExtend(null)} data-testid="extend-remove">
            {t('canvas.extendRemove')}
          </Button>
        </Stack>
      )}
    </Box>
  );
}

/** A new reference's role: what the current mode still lacks (style, subject), otherwise content. */
function defaultSlot(mode: Mode): SlotRole {
  if (mode === 'style' && store.slots('style').length === 0) return 'style';
  if (mode === 'identity' && store.slots('subject').length === 0) return 'subject';
  return 'content';
}

/** The reference slots in the order the prompt sees them: thumbnail, role, order, visibility. */
function SlotsPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const slots = doc.layers.filter((l) => l.role === 'reference');
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {t('canvas.references')}
      </Typography>
      {slots.length === 0 && (
        <Typography variant="caption" color="text.secondary">
          {t('canvas.noReferences')}
        </Typography>
      )}
      <List dense disablePadding aria-label={t('canvas.references')}>
        {slots.map((l, i) => (
          <ListItem key={l.id} disableGutters data-testid="layer-reference" sx={{ alignItems: 'flex-start', gap: 1 }}>
            <Typography variant="caption" sx={{ pt: 1, minWidth: 14 }} aria-label={t('canvas.slotOrder', { n: i + 1 })}>
              {i + 1}
            </Typography>
            <Box component="img" src={l.src} alt="" data-testid="slot-thumb" sx={{ width: 48, height: 48, objectFit: 'cover', borderRadius: 1, opacity: l.visible ? 1 : 0.4, flexShrink: 0 }} />
            <Box sx={{ minWidth: 0, flex: 1 }}>
              <Typography variant="body2" noWrap title={l.name}>
                {l.name}
              </Typography>
              <TextField
                select
                size="small"
                variant="standard"
                value={l.slot ?? 'content'}
                onChange={(e) => store.setSlotRole(l.id, e.target.value as SlotRole)}
                slotProps={{ htmlInput: { 'aria-label': t('canvas.slotRoleOf', { name: l.name }), 'data-testid': 'slot-role' } }}
                sx={{ minWidth: 110 }}
              >
                {SLOT_ROLES.map((r) => (
                  <MenuItem key={r} value={r}>
                    {t(`canvas.slotRole.${r}`)}
                  </MenuItem>
                ))}
              </TextField>
            </Box>
            <Stack direction="row" sx={{ flexShrink: 0 }}>
              <IconButton size="small" aria-label={t('canvas.slotEarlier', { name: l.name })} disabled={i === 0} onClick={() => store.moveReference(l.id, -1)} data-testid="slot-up">
                <ArrowUpwardIcon fontSize="small" />
              </IconButton>
              <IconButton size="small" aria-label={t('canvas.slotLater', { name: l.name })} disabled={i === slots.length - 1} onClick={() => store.moveReference(l.id, 1)} data-testid="slot-down">
                <ArrowDownwardIcon fontSize="small" />
              </IconButton>
              <VisibilityButton visible={l.visible} what={l.name} onToggle={() => store.setLayerVisible(l.id, !l.visible)} />
              <IconButton size="small" aria-label={t('canvas.removeNamed', { name: l.name })} onClick={() => store.removeLayer(l.id)}>
                <CloseIcon fontSize="small" />
              </IconButton>
            </Stack>
          </ListItem>
        ))}
      </List>
    </Box>
  );
}

function LayerRow({ layer }: { layer: Layer }) {
  const { t } = useTranslation();
  return (
    <ListItem
      disableGutters
      data-testid={`layer-${layer.role}`}
      secondaryAction={
        <Stack direction="row">
          <VisibilityButton visible={layer.visible} what={layer.name} onToggle={() => store.setLayerVisible(layer.id, !layer.visible)} />
          {layer.role === 'reference' && (
            <IconButton size="small" aria-label={t('canvas.removeNamed', { name: layer.name })} onClick={() => store.removeLayer(layer.id)}>
              <CloseIcon fontSize="small" />
            </IconButton>
          )}
        </Stack>
      }
    >
      <Box component="img" src={layer.src} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1, opacity: layer.visible ? 1 : 0.4 }} />
      <ListItemText primary={layer.name} secondary={t('canvas.layerLine', { role: layer.role === 'base' ? t('canvas.defaultImage') : t('canvas.defaultReference'), width: layer.width, height: layer.height })} slotProps={{ primary: { noWrap: true } }} sx={{ pr: 8 }} />
    </ListItem>
  );
}

function VisibilityButton({ visible, what, onToggle }: { visible: boolean; what: string; onToggle(): void }) {
  const { t } = useTranslation();
  return (
    <IconButton size="small" aria-label={visible ? t('canvas.hideNamed', { name: what }) : t('canvas.showNamed', { name: what })} aria-pressed={visible} onClick={onToggle}>
      {visible ? <VisibilityIcon fontSize="small" /> : <VisibilityOffIcon fontSize="small" />}
    </IconButton>
  );
}

function VersionsPanel() {
  const { t } = useTranslation();
  const { doc } = useSyncExternalStore(store.subscribe, store.getState);
  const label = (id: string | null) => doc.versions.find((v) => v.id === id)?.label ?? '';
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {t('canvas.versions')}
      </Typography>
      <List dense disablePadding aria-label={t('canvas.versions')} data-testid="versions">
        {doc.versions.map((v) => (
          <ListItemButton key={v.id} selected={v.id === doc.currentVersionId} onClick={() => store.selectVersion(v.id)} data-testid="version">
            <Box component="img" src={v.src} alt="" sx={{ width: 40, height: 40, objectFit: 'cover', borderRadius: 1, mr: 1 }} />
            <ListItemText primary={v.label} secondary={v.parentId ? t('canvas.fromVersion', { version: label(v.parentId) }) : t('canvas.sizeValue', { width: v.width, height: v.height })} />
          </ListItemButton>
        ))}
      </List>
      <CompareControls />
    </Box>
  );
}

/** Before/after: the current version against the one it was made from, split by a slider. */
function CompareControls() {
  const { t } = useTranslation();
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const source = store.sourceVersion();
  if (!source) return null;
  return (
    <Box sx={{ px: 1, mt: 1 }}>
      <FormControlLabel
        control={<Switch size="small" checked={state.compare !== null} onChange={(e) => store.setCompare(e.target.checked)} data-testid="compare-toggle" />}
        label={<Typography variant="caption">{t('canvas.compare', { version: source.label })}</Typography>}
      />
      {state.compare && (
        <Slider size="small" min={0} max={1} step={0.01} value={state.compare.split} onChange={(_, v) => store.setCompare(true, v as number)} aria-label={t('canvas.compareSplit')} data-testid="compare-split" />
      )}
    </Box>
  );
}

async function refFor(layer: Layer, crop: Rect | null, extend: Edges | null = null): Promise<ImageRef> {
  if (layer.generationId && !crop && !extend) return { generationId: layer.generationId };
  return { dataBase64: await imageBase64(layer.src, layer.width, layer.height, crop, extend), name: `${layer.name}.png` };
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
      // what is drawn is what is sent: a result hidden or see-through over its source goes flattened
      const cur = store.currentVersion();
      const sent = store.blended() && cur ? { ...base, src: await flattenedDataUrl(cur, store.sourceVersion()), generationId: null } : base;
      const refs = await Promise.all(uses.images.map(({ layer }) => (layer === base ? refFor(sent, doc.crop, doc.extend) : refFor(layer, null))));
      let request: GenerateRequestInput;
      if (mode === 'edit') {
        const mask = maskBase64(doc.mask, base.width, base.height, doc.crop, doc.extend);
        request = { mode: 'edit', ...common, images: refs, ...(mask ? { mask: { dataBase64: mask, name: 'mask.png' } } : {}) };
      } else if (mode === 'style') {
        request = { mode: 'style', ...common, content: refs[0]!, style: refs[1]! };
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
