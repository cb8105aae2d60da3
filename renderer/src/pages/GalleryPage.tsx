/**
 * The gallery: boards (projects) on the left, a search box (full-text over prompts and tags) and
 * filters above a virtualised grid of thumbnails, and the selected image's details on the right.
 */
import AddIcon from '@mui/icons-material/Add';
import SearchIcon from '@mui/icons-material/Search';
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Drawer,
  FormControlLabel,
  InputAdornment,
  List,
  ListItemButton,
  ListItemText,
  ListSubheader,
  MenuItem,
  Snackbar,
  Stack,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useRef, useState } from 'react';
import { LibraryMode } from '../../../main/contract';
import { ApiError, call } from '../api/client';
import { useEvents } from '../api/hooks';
import { GalleryGrid } from '../gallery/GalleryGrid';
import { GenerationDetail } from '../gallery/GenerationDetail';
import { library, type Generation, type GenerationSummary, type Project, type SearchQuery } from '../library/client';
import { TEXT_CHECK_STRINGS } from '../text-check';

const PAGE = 200;

interface Filters {
  text: string;
  /** undefined: all boards; null: images in no board. */
  projectId: string | null | undefined;
  favourite: boolean;
  minRating: number;
  mode: LibraryMode | '';
  tag: string;
  /** The text check's verdict: every quoted string read as written, or not. */
  textCheck: 'ok' | 'issues' | '';
}

const NO_FILTERS: Filters = { text: '', projectId: undefined, favourite: false, minRating: 0, mode: '', tag: '', textCheck: '' };

function toQuery(f: Filters, cursor: string | null): SearchQuery {
  return {
    limit: PAGE,
    cursor,
    ...(f.text.trim() ? { text: f.text.trim() } : {}),
    ...(f.projectId !== undefined ? { projectId: f.projectId } : {}),
    ...(f.favourite ? { favourite: true } : {}),
    ...(f.minRating > 0 ? { minRating: f.minRating } : {}),
    ...(f.mode ? { mode: f.mode } : {}),
    ...(f.tag ? { tag: f.tag } : {}),
    ...(f.textCheck ? { textCheck: f.textCheck } : {}),
  };
}

export function GalleryPage() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [textInput, setTextInput] = useState('');
  const [items, setItems] = useState<GenerationSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [projects, setProjects] = useState<Project[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [snack, setSnackState] = useState<{ message: string; undo?: () => void; n: number } | null>(null);
  const snackCount = useRef(0);
  /** Each message gets its own display time (a new one replaces the old one rather than inheriting its timer). */
  const setSnack = useCallback((s: { message: string; undo?: () => void } | null) => {
    snackCount.current += 1;
    setSnackState(s ? { ...s, n: snackCount.current } : null);
  }, []);
  const [newBoard, setNewBoard] = useState<string | null>(null);
  /** Showing the trash instead of the library. */
  const [trash, setTrash] = useState(false);
  const generation = useRef(0);

  // debounce typing into the search
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.text === textInput ? f : { ...f, text: textInput })), 250);
    return () => clearTimeout(t);
  }, [textInput]);

  const load = useCallback(
    (more: boolean) => {
      const my = more ? generation.current : ++generation.current;
      setLoading(true);
      (trash
        ? call('library.trash', {}).then((t) => ({ items: t.generations, nextCursor: null }))
        : library.search(toQuery(filters, more ? cursor : null)))
        .then((page) => {
          if (my !== generation.current) return;
          setItems((old) => (more ? [...old, ...page.items.filter((i) => !old.some((o) => o.id === i.id))] : page.items));
          setCursor(page.nextCursor);
          setError(null);
        })
        .catch((e: unknown) => my === generation.current && setError(e instanceof ApiError ? e.message : String(e)))
        .finally(() => my === generation.current && setLoading(false));
    },
    [filters, cursor, trash],
  );

  const loadSide = useCallback(() => {
    library.projects().then(setProjects).catch(() => undefined);
    library.tags().then((t) => setTags(t.map((x) => x.name))).catch(() => undefined);
  }, []);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => load(false), [filters, trash]);
  const showBoard = (projectId: string | null | undefined) => {
    setTrash(false);
    setFilters((f) => ({ ...f, projectId }));
  };
  useEffect(loadSide, [loadSide]);
  const refresh = useCallback(() => {
    load(false);
    loadSide();
  }, [load, loadSide]);
  useEvents(['library.changed', 'job.updated'], refresh);

  const onEndReached = useCallback(() => {
    if (cursor && !loading) load(true);
  }, [cursor, loading, load]);

  const onDeleted = (g: Generation) => {
    setSelected(null);
    refresh();
    setSnack({
      message: 'Moved to the trash.',
      undo: () => {
        library
          .restore([g.id])
          .then(() => {
            setSnack({ message: 'Restored.' });
            setSelected(g.id);
            refresh();
          })
          .catch((e: unknown) => setSnack({ message: e instanceof ApiError ? e.message : String(e) }));
      },
    });
  };

  const createBoard = async (name: string) => {
    try {
      const p = await library.createProject(name);
      setNewBoard(null);
      loadSide();
      setFilters((f) => ({ ...f, projectId: p.id }));
    } catch (e) {
      setSnack({ message: e instanceof ApiError ? e.message : String(e) });
    }
  };

  const [exportFolder, setExportFolder] = useState<string | null>(null);
  const exportBoard = async () => {
    const board = projects.find((p) => p.id === filters.projectId);
    if (!board || !exportFolder?.trim()) return;
    try {
      const r = await call('library.export', { projectId: board.id, folder: exportFolder.trim() });
      setExportFolder(null);
      setSnack({ message: `Exported ${r.files} files to ${r.folder}` });
    } catch (e) {
      setSnack({ message: e instanceof ApiError ? e.message : String(e) });
    }
  };

  const filtered = filters.text.trim() !== '' || filters.favourite || filters.minRating > 0 || filters.mode !== '' || filters.tag !== '' || filters.textCheck !== '';

  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: '220px 1fr', gridTemplateRows: 'minmax(0, 1fr)', height: 'calc(100vh - 48px)' }}>
      <Box component="nav" aria-label="Boards" sx={{ borderRight: 1, borderColor: 'divider', overflow: 'auto' }}>
        <List dense subheader={<ListSubheader>Boards</ListSubheader>}>
          <ListItemButton selected={!trash && filters.projectId === undefined} onClick={() => showBoard(undefined)}>
            <ListItemText primary="All images" />
          </ListItemButton>
          {projects.map((p) => (
            <ListItemButton key={p.id} selected={!trash && filters.projectId === p.id} onClick={() => showBoard(p.id)}>
              <ListItemText primary={p.name} secondary={`${p.generationCount} image${p.generationCount === 1 ? '' : 's'}`} />
            </ListItemButton>
          ))}
          <ListItemButton selected={!trash && filters.projectId === null} onClick={() => showBoard(null)}>
            <ListItemText primary="Not on a board" />
          </ListItemButton>
          <ListItemButton selected={trash} onClick={() => setTrash(true)} data-testid="trash-board">
            <ListItemText primary="Trash" secondary="Deleted images, until the trash is emptied" />
          </ListItemButton>
        </List>
        <Box sx={{ px: 2 }}>
          {newBoard === null ? (
            <Button size="small" startIcon={<AddIcon />} onClick={() => setNewBoard('')}>
              New board
            </Button>
          ) : (
            <TextField
              size="small"
              autoFocus
              label="Board name"
              value={newBoard}
              onChange={(e) => setNewBoard(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && newBoard.trim()) void createBoard(newBoard.trim());
                if (e.key === 'Escape') setNewBoard(null);
              }}
              onBlur={() => !newBoard.trim() && setNewBoard(null)}
            />
          )}
        </Box>
      </Box>
      <Stack sx={{ minWidth: 0, minHeight: 0 }}>
        <Stack direction="row" sx={{ gap: 1.5, p: 1.5, alignItems: 'center', flexWrap: 'wrap', borderBottom: 1, borderColor: 'divider' }}>
          <TextField
            size="small"
            type="search"
            placeholder="Search prompts and tags"
            value={textInput}
            onChange={(e) => setTextInput(e.target.value)}
            slotProps={{
              input: { startAdornment: <InputAdornment position="start"><SearchIcon fontSize="small" /></InputAdornment> },
              htmlInput: { 'aria-label': 'Search prompts and tags', 'data-testid': 'gallery-search' },
            }}
            sx={{ minWidth: 260, flex: 1 }}
          />
          <FormControlLabel control={<Switch size="small" checked={filters.favourite} onChange={(e) => setFilters((f) => ({ ...f, favourite: e.target.checked }))} />} label="Favourites" />
          <TextField select size="small" label="Rating" value={filters.minRating} onChange={(e) => setFilters((f) => ({ ...f, minRating: Number(e.target.value) }))} sx={{ width: 110 }}>
            <MenuItem value={0}>Any</MenuItem>
            {[1, 2, 3, 4, 5].map((n) => (
              <MenuItem key={n} value={n}>
                {'★'.repeat(n)}+
              </MenuItem>
            ))}
          </TextField>
          <TextField select size="small" label="Mode" value={filters.mode} onChange={(e) => setFilters((f) => ({ ...f, mode: e.target.value as Filters['mode'] }))} sx={{ width: 120 }}>
            <MenuItem value="">Any</MenuItem>
            {LibraryMode.options.map((m) => (
              <MenuItem key={m} value={m}>
                {m}
              </MenuItem>
            ))}
          </TextField>
          <TextField select size="small" label="Tag" value={filters.tag} onChange={(e) => setFilters((f) => ({ ...f, tag: e.target.value }))} sx={{ width: 130 }}>
            <MenuItem value="">Any</MenuItem>
            {tags.map((t) => (
              <MenuItem key={t} value={t}>
                {t}
              </MenuItem>
            ))}
          </TextField>
          <TextField select size="small" label={TEXT_CHECK_STRINGS.filterLabel} value={filters.textCheck} onChange={(e) => setFilters((f) => ({ ...f, textCheck: e.target.value as Filters['textCheck'] }))} sx={{ width: 130 }} slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'text-check-filter' } as object } }}>
            <MenuItem value="">{TEXT_CHECK_STRINGS.filterAny}</MenuItem>
            <MenuItem value="ok">{TEXT_CHECK_STRINGS.filterOk}</MenuItem>
            <MenuItem value="issues">{TEXT_CHECK_STRINGS.filterIssues}</MenuItem>
          </TextField>
          {!trash && typeof filters.projectId === 'string' && (
            <Button size="small" variant="outlined" onClick={() => setExportFolder('')} data-testid="export-board">
              Export board…
            </Button>
          )}
          <Typography variant="caption" color="text.secondary" data-testid="gallery-count" aria-live="polite">
            {items.length}
            {cursor ? '+' : ''} image{items.length === 1 ? '' : 's'}
          </Typography>
        </Stack>
        {error && <Alert severity="error" sx={{ m: 1.5 }}>{error}</Alert>}
        <Box sx={{ flex: 1, minHeight: 0 }}>
          {items.length === 0 && !loading ? (
            <Typography color="text.secondary" sx={{ p: 4, textAlign: 'center' }} data-testid="gallery-empty">
              {trash ? 'The trash is empty.' : filtered ? 'Nothing matches the search and filters.' : 'No images yet. Generate one, or drop a PNG into the canvas.'}
            </Typography>
          ) : (
            <GalleryGrid items={items} selectedId={selected} onOpen={(g) => setSelected(g.id)} onEndReached={onEndReached} />
          )}
        </Box>
      </Stack>
      <Drawer anchor="right" open={selected !== null} onClose={() => setSelected(null)} sx={{ zIndex: (t) => t.zIndex.modal }} slotProps={{ paper: { sx: { width: 440, p: 2 } } }}>
        {selected !== null && (
          <GenerationDetail
            id={selected}
            projects={projects}
            tagOptions={tags}
            onClose={() => setSelected(null)}
            onOpen={setSelected}
            onDeleted={onDeleted}
            onRestored={() => {
              // it has left the trash being shown
              if (trash) setSelected(null);
              setSnack({ message: 'Restored.' });
              refresh();
            }}
            onChanged={refresh}
            notify={(message) => setSnack({ message })}
          />
        )}
      </Drawer>
      <Dialog open={exportFolder !== null} onClose={() => setExportFolder(null)} aria-labelledby="export-title">
        <DialogTitle id="export-title">Export board</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Every image of the board is written as a PNG with its recipe, with an index.json, into a new folder inside the folder you name.
          </DialogContentText>
          <TextField autoFocus fullWidth margin="dense" label="Folder" value={exportFolder ?? ''} onChange={(e) => setExportFolder(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void exportBoard()} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setExportFolder(null)}>Cancel</Button>
          <Button variant="contained" disabled={!exportFolder?.trim()} onClick={() => void exportBoard()} data-testid="export-confirm">
            Export
          </Button>
        </DialogActions>
      </Dialog>
      <Snackbar
        key={snack?.n ?? 0}
        open={snack !== null}
        autoHideDuration={snack?.undo ? 10_000 : 4000}
        onClose={(_, reason) => reason !== 'clickaway' && setSnack(null)}
        message={snack?.message}
        action={
          snack?.undo ? (
            <Button color="secondary" size="small" onClick={snack.undo} data-testid="undo-delete">
              Undo
            </Button>
          ) : undefined
        }
      />
    </Box>
  );
}
