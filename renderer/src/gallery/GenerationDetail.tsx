/**
 * One generation: the image, its recipe, its parent and children, and what can be done with it —
 * reuse settings, vary details, vary composition, edit in canvas, favourite, tag, rate, copy, export,
 * delete (undoable from the gallery's snackbar).
 */
import CloseIcon from '@mui/icons-material/Close';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DeleteIcon from '@mui/icons-material/Delete';
import DownloadIcon from '@mui/icons-material/Download';
import EditIcon from '@mui/icons-material/Edit';
import FavoriteIcon from '@mui/icons-material/Favorite';
import FavoriteBorderIcon from '@mui/icons-material/FavoriteBorder';
import ReplayIcon from '@mui/icons-material/Replay';
import RestoreFromTrashIcon from '@mui/icons-material/RestoreFromTrash';
import ShuffleIcon from '@mui/icons-material/Shuffle';
import TuneIcon from '@mui/icons-material/Tune';
import { Alert, Autocomplete, Box, Button, Chip, IconButton, MenuItem, Rating, Skeleton, Stack, Table, TableBody, TableCell, TableRow, TextField, Tooltip, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { ApiError, call } from '../api/client';
import { openInCanvas } from '../canvas/session';
import { draftFromRecipe, generateDraft } from '../generate';
import { library, type Generation, type Project } from '../library/client';
import { mediaUrl } from '../media';
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
  const [g, setG] = useState<Generation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [parent, setParent] = useState<Generation | null>(null);
  const [children, setChildren] = useState<Generation[]>([]);

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
  const isText = g.mode === 'text';
  const baseRequest = {
    mode: 'text' as const,
    prompt: g.prompt,
    width: g.width,
    height: g.height,
    steps: typeof recipe.steps === 'number' ? recipe.steps : (g.steps ?? 50),
    guidance: typeof recipe.guidance === 'number' ? recipe.guidance : 1.5,
    parentId: g.id,
    ...(g.projectId ? { projectId: g.projectId } : {}),
  };
  const rows: [string, string][] = [
    ['Mode', g.mode],
    ['Size', `${g.width} × ${g.height}`],
    ['Steps', String(recipe.steps ?? g.steps ?? '—')],
    ['Guidance', String(recipe.guidance ?? '—')],
    ['Seed', String(g.seed ?? '—')],
    ['Model', String(recipe.modelName ?? g.model ?? '—')],
    ['Provider', String(g.provider ?? '—')],
    ['Made', new Date(g.createdAt).toLocaleString()],
  ];
  if (g.timings) rows.push(['Time', Object.entries(g.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')]);

  return (
    <Stack sx={{ gap: 1.5 }} data-testid="generation-detail">
      <Stack direction="row" sx={{ alignItems: 'center' }}>
        <Typography variant="subtitle1" component="h3" sx={{ flex: 1 }}>
          Generation {g.id}
        </Typography>
        <IconButton aria-label="Close details" onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </Stack>
      {g.media && <CheckedImage generation={g} src={mediaUrl(g.media.image)} alt={g.prompt} imageTestId="detail-image" />}
      <GroupStrip generation={g} onOpen={onOpen} />
      <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }} data-testid="detail-prompt">
        {g.prompt || '(no prompt)'}
      </Typography>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1 }}>
        <Tooltip title={g.favourite ? 'Remove from favourites' : 'Add to favourites'}>
          <IconButton aria-label={g.favourite ? 'Remove from favourites' : 'Add to favourites'} aria-pressed={g.favourite} onClick={() => void update({ favourite: !g.favourite })} data-testid="favourite">
            {g.favourite ? <FavoriteIcon sx={{ color: '#ff4f7b' }} /> : <FavoriteBorderIcon />}
          </IconButton>
        </Tooltip>
        <Rating value={g.rating} onChange={(_, v) => void update({ rating: v ?? 0 })} aria-label="Rating" />
        <Box sx={{ flex: 1 }} />
        {g.deletedAt !== null ? (
          <Button size="small" variant="contained" startIcon={<RestoreFromTrashIcon />} data-testid="restore" onClick={() => void act(async () => {
            await library.restore([g.id]);
            setG({ ...g, deletedAt: null });
            onRestored(g);
          })}>
            Restore
          </Button>
        ) : (
        <Tooltip title="Move to the trash (undo in the message that follows)">
          <IconButton aria-label="Delete" onClick={() => void act(async () => {
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
        renderInput={(params) => <TextField {...params} label="Tags" placeholder="Add a tag and press Enter" />}
      />
      <TextField select size="small" label="Board" value={g.projectId ?? ''} onChange={(e) => void update({ projectId: e.target.value === '' ? null : e.target.value })}>
        <MenuItem value="">No board</MenuItem>
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
        <Button size="small" variant="outlined" startIcon={<TuneIcon />} onClick={() => {
          generateDraft.replace(draftFromRecipe({ ...recipe, prompt: g.prompt, width: g.width, height: g.height, seed: g.seed }));
          window.location.hash = '/generate';
        }}>
          Reuse settings
        </Button>
        <Tooltip title={isText ? 'Same composition (the same visual tokens), new details' : 'Only for text-to-image results'}>
          <span>
            <Button size="small" variant="outlined" startIcon={<ReplayIcon />} disabled={!isText} onClick={() => void act(() => call('jobs.submit', { ...baseRequest, reuseTokensOf: g.id }), 'Queued: vary details')}>
              Vary details
            </Button>
          </span>
        </Tooltip>
        <Tooltip title={isText ? 'Same prompt and settings, a new seed' : 'Only for text-to-image results'}>
          <span>
            <Button size="small" variant="outlined" startIcon={<ShuffleIcon />} disabled={!isText} onClick={() => void act(() => call('jobs.submit', baseRequest), 'Queued: vary composition')}>
              Vary composition
            </Button>
          </span>
        </Tooltip>
        <Button size="small" variant="outlined" startIcon={<EditIcon />} disabled={!g.media} data-testid="edit-in-canvas" onClick={() => g.media && openInCanvas({ src: mediaUrl(g.media.image), width: g.width, height: g.height, generationId: g.id, name: g.prompt.slice(0, 40) || `Generation ${g.id}` })}>
          Edit in canvas
        </Button>
        <Button size="small" variant="outlined" startIcon={<ContentCopyIcon />} disabled={!g.media} onClick={() => void act(() => copyImage(mediaUrl(g.media!.image)), 'Image copied')}>
          Copy image
        </Button>
        <Button size="small" variant="outlined" startIcon={<ContentCopyIcon />} onClick={() => void act(() => navigator.clipboard.writeText(g.prompt), 'Prompt copied')}>
          Copy prompt
        </Button>
        {g.media && (
          <Button size="small" variant="outlined" startIcon={<DownloadIcon />} href={mediaUrl(g.media.image)} download={`glimmer-${g.id}.${g.media.format === 'jpeg' ? 'jpg' : g.media.format}`}>
            Export
          </Button>
        )}
      </Stack>
      <Table size="small" aria-label="Recipe">
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
              <Typography variant="subtitle2">Made from</Typography>
              <Thumbs items={[parent]} onOpen={onOpen} />
            </>
          )}
          {children.length > 0 && (
            <>
              <Typography variant="subtitle2" sx={{ mt: 1 }}>
                Made from this
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
        <Box key={c.id} component="button" onClick={() => onOpen(c.id)} aria-label={`Open generation ${c.id}: ${c.prompt}`} sx={{ p: 0, border: 0, borderRadius: 1, overflow: 'hidden', cursor: 'pointer', lineHeight: 0 }}>
          {c.media && <img src={mediaUrl(c.media.thumbs[256])} alt="" width={64} height={64} style={{ objectFit: 'cover' }} />}
        </Box>
      ))}
    </Stack>
  );
}

async function copyImage(url: string): Promise<void> {
  const blob = await (await fetch(url)).blob();
  const png = blob.type === 'image/png' ? blob : await toPng(blob);
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
}

async function toPng(blob: Blob): Promise<Blob> {
  const bmp = await createImageBitmap(blob);
  const c = document.createElement('canvas');
  c.width = bmp.width;
  c.height = bmp.height;
  c.getContext('2d')!.drawImage(bmp, 0, 0);
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('The image could not be converted for the clipboard.'))), 'image/png'));
}
