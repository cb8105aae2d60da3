/**
 * Images brought into the window, anywhere: dropped (a drop never navigates the page), pasted (Ctrl/
 * Cmd+V outside a text field) or opened from the app menu. On the canvas screen the image opens on
 * the canvas with its recipe; elsewhere a dialog offers what its recipe allows: use these settings,
 * open on the canvas, add to the library.
 */
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Typography } from '@mui/material';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { notify } from '../app/notify';
import type { RecallResult } from '../generate';
import { carriesFiles, fileFromBase64, imageFileOf, readDropped, type DroppedImage } from './dropped';
import { addToLibrary, applySettings, openOnCanvas, pendingImage, recallOf } from './state';

function onCanvasScreen(): boolean {
  return window.location.hash.replace(/^#\/?/, '') === 'canvas';
}

function isTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && (el as HTMLInputElement).type !== 'file') || el.isContentEditable);
}

async function take(file: Blob, name: string): Promise<void> {
  try {
    const image = await readDropped(file, name);
    if (onCanvasScreen()) {
      const result = await recallOf(image);
      openOnCanvas(image, result);
      return;
    }
    const previous = pendingImage.get();
    if (previous) URL.revokeObjectURL(previous.url);
    pendingImage.set(image);
  } catch (err) {
    notify((err as Error).message, { severity: 'error' });
  }
}

export function RecallHost() {
  const { t } = useTranslation();
  const image = useSyncExternalStore(pendingImage.subscribe, pendingImage.get);
  const [dragging, setDragging] = useState(false);
  const [result, setResult] = useState<RecallResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let depth = 0;
    const over = (e: DragEvent) => {
      // nothing dropped on the page ever navigates it; screens that take a drop handle it first
      e.preventDefault();
      if (carriesFiles(e.dataTransfer) && e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e.dataTransfer)) return;
      depth += 1;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e.dataTransfer)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      const handled = e.defaultPrevented;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      if (handled) return;
      const file = imageFileOf(e.dataTransfer);
      if (file) void take(file, file.name || t('canvas.pastedImage'));
      else if (carriesFiles(e.dataTransfer)) notify(t('recall.notAnImage'), { severity: 'error' });
    };
    const paste = (e: ClipboardEvent) => {
      if (isTextField(e.target)) return;
      const file = imageFileOf(e.clipboardData);
      if (!file) return;
      e.preventDefault();
      void take(file, file.name && file.name !== 'image.png' ? file.name : t('canvas.pastedImage'));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    window.addEventListener('paste', paste);
    const off = api.subscribe((m) => {
      if (m.event !== 'app.openFile') return;
      const { name, dataBase64 } = m.payload as { name: string; dataBase64: string };
      void take(fileFromBase64(dataBase64, name), name);
    });
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
      window.removeEventListener('paste', paste);
      off();
    };
  }, [t]);

  useEffect(() => {
    setResult(null);
    setError(null);
    if (image) void recallOf(image).then(setResult);
  }, [image]);

  const close = (revoke: boolean) => {
    if (revoke && image) URL.revokeObjectURL(image.url);
    pendingImage.set(null);
  };
  const act = async (fn: (img: DroppedImage) => Promise<void> | void, revoke: boolean) => {
    if (!image) return;
    setBusy(true);
    setError(null);
    try {
      await fn(image);
      close(revoke);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const found = image?.recipe.kind;
  return (
    <>
      {dragging && (
        <Box
          aria-hidden
          data-testid="drop-overlay"
          sx={{ position: 'fixed', inset: 0, zIndex: (th) => th.zIndex.modal + 1, pointerEvents: 'none', border: 4, borderStyle: 'dashed', borderColor: 'primary.main', bgcolor: 'action.hover' }}
        />
      )}
      <Dialog open={image !== null} onClose={() => close(true)} aria-labelledby="recall-title" maxWidth="sm" fullWidth>
        <DialogTitle id="recall-title">{t('recall.title')}</DialogTitle>
        <DialogContent>
          {image && (
            <Stack direction={{ xs: 'column', sm: 'row' }} sx={{ gap: 2, alignItems: 'flex-start' }} data-testid="recall-dialog" data-found={found}>
              <Box component="img" src={image.url} alt={image.name} sx={{ width: 160, maxWidth: '100%', borderRadius: 1, bgcolor: 'action.hover', flexShrink: 0 }} />
              <Box sx={{ minWidth: 0 }}>
                <Typography variant="subtitle2" sx={{ wordBreak: 'break-all' }}>
                  {image.name}
                </Typography>
                <Typography variant="body2" color="text.secondary">
                  {t('canvas.sizeValue', { width: image.width, height: image.height })}
                </Typography>
                <Typography variant="body2" sx={{ mt: 1 }} data-testid="recall-found">
                  {found === 'glimmer' ? t('recall.foundOurs') : found === 'a1111' ? t('recall.foundA1111') : t('recall.foundNone')}
                </Typography>
                {result && (
                  <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5, overflowWrap: 'anywhere' }}>
                    {result.draft.prompt.length > 160 ? `${result.draft.prompt.slice(0, 157)}…` : result.draft.prompt}
                  </Typography>
                )}
              </Box>
            </Stack>
          )}
          {error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions sx={{ flexWrap: 'wrap', gap: 1 }}>
          <Button onClick={() => close(true)}>{t('common.cancel')}</Button>
          <Button disabled={busy} onClick={() => void act(addToLibrary, true)} data-testid="recall-library">
            {t('recall.addToLibrary')}
          </Button>
          <Button disabled={busy} onClick={() => void act((img) => openOnCanvas(img, result), false)} data-testid="recall-canvas">
            {t('recall.openOnCanvas')}
          </Button>
          {result && (
            <Button variant="contained" disabled={busy} onClick={() => void act(() => applySettings(image!.name, result), true)} data-testid="recall-use">
              {t('recall.useSettings')}
            </Button>
          )}
        </DialogActions>
      </Dialog>
    </>
  );
}
