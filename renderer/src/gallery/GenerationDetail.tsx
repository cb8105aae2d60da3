/**
 * One generation: the image, its recipe, its parent and children, and what can be done with it —
 * use these settings, the result actions (edit on canvas, vary details and composition, download, copy seed and prompt), favourite, tag, rate, copy,
 * delete (undoable from the gallery's snackbar).
 */
import CloseIcon from '@mui/icons-material/Close';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DeleteIcon from '@mui/icons-material/Delete';
import FavoriteIcon from '@mui/icons-material/Favorite';
import FavoriteBorderIcon from '@mui/icons-material/FavoriteBorder';
import RestoreFromTrashIcon from '@mui/icons-material/RestoreFromTrash';
import TuneIcon from '@mui/icons-material/Tune';
import { Alert, Autocomplete, Box, Button, Chip, IconButton, MenuItem, Rating, Skeleton, Stack, Table, TableBody, TableCell, TableRow, TextField, Tooltip, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { parseRecipe } from '../../../main/contract';
import { generateDraft, recallFromRecipe } from '../generate';
import { applySettings } from '../recall/state';
import { copyImage } from '../results/actions';
import { ResultActions } from '../results/ResultActions';
import { fmt, t as translate } from '../i18n';
import { library, type Generation, type Project } from '../library/client';
import { mediaUrl } from '../media';
import { isTargetLimit, limitText } from '../servers';
import { CheckedImage, GroupStrip } from '../text-check';

export interface GenerationDetailProps {
  id: string;
  projects: Project[];
  tagOptions: string[];
  onClose(): void;
  onOpen(id: string): void;
  onDeleted(g: Generation): void;
  onRestored(g: Generation): void;
  onChanged(): void;
  notify(message: string): void;
}

export function GenerationDetail({ id, projects, tagOptions, onClose, onOpen, onDeleted, onRestored, onChanged, notify }: GenerationDetailProps) {
  const { t } = useTranslation();
  const [g, setG] = useState<Generation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [parent, setParent] = useState<Generation | null>(null);
  const [children, setChildren] = useState<Generation[]>([]);
  // delete and restore swap places: the button clicked is gone, so the keyboard focus moves to the one
  // shown in its place (left on the page body, Escape would no longer reach the dialog)
  const trashAction = useRef<HTMLButtonElement>(null);
  const inTrash = g === null ? null : g.deletedAt !== null;
  const lastInTrash = useRef(inTrash);
  useEffect(() => {
    const before = lastInTrash.current;
    lastInTrash.current = inTrash;
    if (before !== null && inTrash !== null && before !== inTrash && (document.activeElement === null || document.activeElement === document.body)) trashAction.current?.focus();
  }, [inTrash]);

  useEffect(() => {
    let live = true;
    setG(null);
    setError(null);
    library
      .get(id)
      .then(async (gen) => {
        if (!live) return;
        setG(gen);
        setParent(gen.parentId ? await library.get(gen.parentId).catch(() => null) : null);
        setChildren((await Promise.all(gen.children.slice(0, 12).map((c) => library.get(c).catch(() => null)))).filter((c): c is Generation => c !== null));
      })
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [id]);

  const act = async (what: () => Promise<unknown>, done?: string) => {
    setError(null);
    try {
      await what();
      if (done) notify(done);
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    }
  };
  const update = (patch: Parameters<typeof library.update>[1]) =>
    act(async () => {
      setG(await library.update(id, patch));
      onChanged();
    });

  if (error && !g) return <Alert severity="error">{error}</Alert>;
  if (!g) return <Skeleton variant="rounded" height={360} />;

  const recipe = (g.recipe ?? {}) as Record<string, unknown>;
  const rows: [string, string][] = [
    [t('detail.mode'), t(`modes.${g.mode}`)],
    [t('detail.size'), t('detail.sizeValue', { width: g.width, height: g.height })],
    [t('detail.steps'), String(recipe.steps ?? g.steps ?? '—')],
    [t('detail.guidance'), String(recipe.guidance ?? '—')],
    [t('detail.seed'), String(g.seed ?? '—')],
    [t('detail.model'), String(recipe.modelName ?? g.model ?? '—')],
    [t('detail.provider'), String(g.provider ?? '—')],
    [t('detail.made'), fmt.dateTime(g.createdAt)],
  ];
  const remote = recipe.remote as { server?: unknown; kind?: unknown; product?: unknown; notTaken?: unknown } | undefined;
  if (remote && typeof remote.server === 'string') {
    const what = [remote.product, remote.kind === 'openai' ? t('detail.kindOpenai') : remote.kind === 'glimmer' ? t('detail.kindGlimmer') : null].filter((x) => typeof x === 'string' && x).join(', ');
    rows.push([t('detail.server'), `${remote.server}${what ? ` (${what})` : ''}`]);
    const notTaken = Array.isArray(remote.notTaken) ? remote.notTaken.filter(isTargetLimit) : [];
    if (notTaken.length > 0) rows.push([t('detail.notTaken'), notTaken.map((l) => limitText(l, t('servers.it'))).join(' ')]);
  }
  if (g.timings) rows.push([t('detail.time'), Object.entries(g.timings).map(([k, v]) => `${k} ${fmt.number(v / 1000, { maximumFractionDigits: 1 })} s`).join(', ')]);

  return (
    <Stack sx={{ gap: 1.5 }} data-testid="generation-detail">
      <Stack direction="row" sx={{ alignItems: 'center' }}>
        <Typography variant="subtitle1" component="h3" sx={{ flex: 1 }}>
          {t('detail.title', { id: g.id })}
        </Typography>
        <IconButton aria-label={t('detail.close')} onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </Stack>
      {g.media && <CheckedImage generation={g} src={mediaUrl(g.media.image)} alt={g.prompt} imageTestId="detail-image" />}
      <GroupStrip generation={g} onOpen={onOpen} />
      <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }} data-testid="detail-prompt">
        {g.prompt || t('job.noPrompt')}
      </Typography>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1 }}>
        <Tooltip title={g.favourite ? t('detail.unfavourite') : t('detail.favourite')}>
          <IconButton aria-label={g.favourite ? t('detail.unfavourite') : t('detail.favourite')} aria-pressed={g.favourite} onClick={() => void update({ favourite: !g.favourite })} data-testid="favourite">
            {g.favourite ? <FavoriteIcon sx={{ color: '#ff4f7b' }} /> : <FavoriteBorderIcon />}
          </IconButton>
        </Tooltip>
        <Rating value={g.rating} onChange={(_, v) => void update({ rating: v ?? 0 })} aria-label={t('detail.rating')} />
        <Box sx={{ flex: 1 }} />
        {g.deletedAt !== null ? (
          <Button ref={trashAction} size="small" variant="contained" startIcon={<RestoreFromTrashIcon />} data-testid="restore" onClick={() => void act(async () => {
            await library.restore([g.id]);
            setG({ ...g, deletedAt: null });
            onRestored(g);
          })}>
            {t('detail.restore')}
          </Button>
        ) : (
        <Tooltip title={t('detail.deleteTip')}>
          <IconButton ref={trashAction} aria-label={t('common.delete')} onClick={() => void act(async () => {
            await library.remove([g.id]);
            onDeleted(g);
          })} data-testid="delete">
            <DeleteIcon />
          </IconButton>
        </Tooltip>
        )}
      </Stack>
      <Autocomplete
        multiple
        freeSolo
        size="small"
        options={tagOptions}
        value={g.tags}
        onChange={(_, tags) => void update({ tags: [...new Set(tags.map((t) => t.trim()).filter(Boolean))].slice(0, 100) })}
        renderValue={(value, getItemProps) => value.map((t, i) => <Chip size="small" label={t} {...getItemProps({ index: i })} key={t} />)}
        renderInput={(params) => <TextField {...params} label={t('detail.tags')} placeholder={t('detail.addTag')} />}
      />
      <TextField select size="small" label={t('generate.board')} value={g.projectId ?? ''} onChange={(e) => void update({ projectId: e.target.value === '' ? null : e.target.value })}>
        <MenuItem value="">{t('generate.noBoard')}</MenuItem>
        {projects.map((p) => (
          <MenuItem key={p.id} value={p.id}>
            {p.name}
          </MenuItem>
        ))}
      </TextField>
      {error && (
        <Alert severity="error" onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap' }}>
        <Button
          size="small"
          variant="contained"
          startIcon={<TuneIcon />}
          data-testid="use-settings"
          onClick={() => {
            const stored = parseRecipe(g.recipe);
            const result = recallFromRecipe(
              { kind: 'stored', recipe: stored ?? { mode: g.mode === 'import' ? 'text' : g.mode, prompt: g.prompt, model: g.model ?? '', seed: g.seed ?? 0, width: g.width, height: g.height, steps: g.steps ?? 50 } },
              { current: generateDraft.getState(), model: null },
            );
            if (result) void applySettings(t('detail.title', { id: g.id }), { ...result, notes: result.notes.filter((n) => n.field !== 'model') });
          }}
        >
          {t('detail.reuse')}
        </Button>
        <Button size="small" variant="outlined" startIcon={<ContentCopyIcon />} disabled={!g.media} onClick={() => void act(() => copyImage(g), t('detail.imageCopied'))}>
          {t('detail.copyImage')}
        </Button>
      </Stack>
      <ResultActions g={g} />
      <Table size="small" aria-label={t('detail.recipe')}>
        <TableBody>
          {rows.map(([k, v]) => (
            <TableRow key={k}>
              <TableCell component="th" scope="row" sx={{ color: 'text.secondary', width: 90 }}>
                {k}
              </TableCell>
              <TableCell sx={{ wordBreak: 'break-word' }}>{v}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {(parent || children.length > 0) && (
        <Box>
          {parent && (
            <>
              <Typography variant="subtitle2">{t('detail.madeFrom')}</Typography>
              <Thumbs items={[parent]} onOpen={onOpen} />
            </>
          )}
          {children.length > 0 && (
            <>
              <Typography variant="subtitle2" sx={{ mt: 1 }}>
                {t('detail.madeFromThis')}
              </Typography>
              <Thumbs items={children} onOpen={onOpen} />
            </>
          )}
        </Box>
      )}
    </Stack>
  );
}

function Thumbs({ items, onOpen }: { items: Generation[]; onOpen(id: string): void }) {
  return (
    <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap', mt: 0.5 }}>
      {items.map((c) => (
        <Box key={c.id} component="button" onClick={() => onOpen(c.id)} aria-label={translate('detail.openNamed', { id: c.id, prompt: c.prompt })} sx={{ p: 0, border: 0, borderRadius: 1, overflow: 'hidden', cursor: 'pointer', lineHeight: 0 }}>
          {c.media && <img src={mediaUrl(c.media.thumbs[256])} alt="" width={64} height={64} style={{ objectFit: 'cover' }} />}
        </Box>
      ))}
    </Stack>
  );
}
