/**
 * The gallery: boards (projects) on the left, a search box (full-text over prompts and tags) and
 * filters above a virtualised grid of thumbnails. Images are chosen with click, Ctrl/Cmd+click,
 * Shift+click or a rubber band, dragged onto a board, and changed together (tag, favourite, rate,
 * move, export, delete), each change undoable. New results never move the grid under the pointer:
 * they wait behind a "new results" marker. The trash can be emptied (after a confirmation).
 */
import RestoreFromTrashIcon from '@mui/icons-material/RestoreFromTrash';
import SearchIcon from '@mui/icons-material/Search';
import { Alert, Box, Button, Chip, Tooltip, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, FormControlLabel, InputAdornment, MenuItem, Stack, Switch, TextField, Typography, useMediaQuery } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { LibraryMode } from '../../../main/contract';
import { ApiError, call } from '../api/client';
import { useEvents } from '../api/hooks';
import { detailId, openDetail } from '../app/detail';
import { notify } from '../app/notify';
import { BoardList, type BoardView } from '../gallery/BoardList';
import { BulkBar } from '../gallery/BulkBar';
import { moveTo } from '../gallery/bulk';
import { GalleryGrid } from '../gallery/GalleryGrid';
import { bandSelect, clickSelect, EMPTY_SELECTION, keepShown, type Selection } from '../gallery/selection';
import { library, type GenerationSummary, type Project, type SearchQuery } from '../library/client';

const PAGE = 200;

interface Filters {
  text: string;
  favourite: boolean;
  minRating: number;
  mode: LibraryMode | '';
  tag: string;
  /** The text check's verdict: every quoted string read as written, or not. */
  textCheck: 'ok' | 'issues' | '';
}

const NO_FILTERS: Filters = { text: '', favourite: false, minRating: 0, mode: '', tag: '', textCheck: '' };

function toQuery(f: Filters, view: BoardView, cursor: string | null, limit = PAGE): SearchQuery {
  return {
    limit,
    cursor,
    ...(f.text.trim() ? { text: f.text.trim() } : {}),
    ...(view !== undefined && view !== 'trash' ? { projectId: view } : {}),
    ...(f.favourite ? { favourite: true } : {}),
    ...(f.minRating > 0 ? { minRating: f.minRating } : {}),
    ...(f.mode ? { mode: f.mode } : {}),
    ...(f.tag ? { tag: f.tag } : {}),
    ...(f.textCheck ? { textCheck: f.textCheck } : {}),
  };
}

/** The library's order: newest first. */
const newestFirst = (a: GenerationSummary, b: GenerationSummary) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id);

const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

export function GalleryPage() {
  const { t } = useTranslation();
  const theme = useTheme();
  const narrow = !useMediaQuery(theme.breakpoints.up('sm'), { noSsr: true });
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [view, setView] = useState<BoardView>(undefined);
  const [textInput, setTextInput] = useState('');
  const [items, setItems] = useState<GenerationSummary[]>([]);
  /** New results held back so the grid does not move under the pointer. */
  const [pending, setPending] = useState<GenerationSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [projects, setProjects] = useState<Project[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [exporting, setExporting] = useState<{ ids: string[] } | { project: Project } | null>(null);
  const [exportFolder, setExportFolder] = useState('');
  const [confirmEmpty, setConfirmEmpty] = useState(false);
  const [showBoards, setShowBoards] = useState(false);
  const openId = useSyncExternalStore(detailId.subscribe, detailId.get);
  const generation = useRef(0);
  /**
   * The newest image this list has shown (what is newer is a new result). It is kept when the same list
   * is loaded again after an action: images deleted or moved out and then brought back (an undo) were
   * seen already, so they return to their place instead of waiting behind the marker.
   */
  const newestSeen = useRef(0);
  /** The list (view and filters, as its fetch) that newestSeen belongs to. */
  const seenList = useRef<unknown>(null);
  /** The selection when a rubber band started (the band adds to it with Shift or Ctrl/Cmd). */
  const bandBase = useRef<Selection | null>(null);
  const trash = view === 'trash';

  // debounce typing into the search
  useEffect(() => {
    const timer = setTimeout(() => setFilters((f) => (f.text === textInput ? f : { ...f, text: textInput })), 250);
    return () => clearTimeout(timer);
  }, [textInput]);

  /** Boards in the trash (their images went with them): shown above the trash's images, each restorable. */
  const [trashedBoards, setTrashedBoards] = useState<Project[]>([]);
  const fetchPage = useCallback(
    (from: string | null, limit = PAGE) =>
      trash
        ? call('library.trash', {}).then((x) => {
            setTrashedBoards(x.projects);
            return { items: x.generations, nextCursor: null };
          })
        : library.search(toQuery(filters, view, from, limit)),
    [filters, view, trash],
  );

  /** A fresh list (the view or the filters changed, or the user acted on it). */
  const load = useCallback(() => {
    const my = ++generation.current;
    if (seenList.current !== fetchPage) {
      seenList.current = fetchPage;
      newestSeen.current = 0;
    }
    setLoading(true);
    fetchPage(null)
      .then((page) => {
        if (my !== generation.current) return;
        setItems(page.items);
        setPending([]);
        setCursor(page.nextCursor);
        setError(null);
      })
      .catch((e: unknown) => my === generation.current && setError(errorText(e)))
      .finally(() => my === generation.current && setLoading(false));
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (!cursor || loading) return;
    const my = generation.current;
    setLoading(true);
    fetchPage(cursor)
      .then((page) => {
        if (my !== generation.current) return;
        setItems((old) => {
          const known = new Set(old.map((o) => o.id));
          return [...old, ...page.items.filter((i) => !known.has(i.id))];
        });
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => my === generation.current && setError(errorText(e)))
      .finally(() => my === generation.current && setLoading(false));
  }, [cursor, loading, fetchPage]);

  /**
   * The library changed underneath (a job finished, another window acted): what is shown is updated in
   * place; newer images than the newest shown wait behind the marker instead of pushing the grid down.
   */
  const refreshLive = useCallback(() => {
    const my = generation.current;
    fetchPage(null).then((page) => {
      if (my !== generation.current) return;
      const byId = new Map(page.items.map((i) => [i.id, i]));
      // what the first page covers: everything when it is the whole list, else down to its oldest image
      const covers = (o: GenerationSummary) => page.nextCursor === null || o.createdAt >= page.items[page.items.length - 1]!.createdAt;
      const keep = (o: GenerationSummary) => byId.has(o.id) || !covers(o);
      setItems((old) => {
        if (old.length === 0 && newestSeen.current === 0) return page.items;
        const known = new Set(old.map((o) => o.id));
        // newer than anything this list has shown: a new result, held behind the marker
        const fresh = page.items.filter((i) => !known.has(i.id) && i.createdAt > newestSeen.current);
        setPending((p) => [...fresh.filter((f) => !p.some((x) => x.id === f.id)), ...p.filter(keep).map((x) => byId.get(x.id) ?? x)]);
        // older ones back in the view (an undo, a restore) take their place; shown ones are updated in
        // place; ones gone from the view (deleted, moved out) leave
        const back = page.items.filter((i) => !known.has(i.id) && i.createdAt <= newestSeen.current);
        const next = old.filter(keep).map((o) => byId.get(o.id) ?? o);
        return back.length > 0 ? [...next, ...back].sort(newestFirst) : next;
      });
    }, () => undefined);
  }, [fetchPage]);

  const loadSide = useCallback(() => {
    library.projects().then(setProjects).catch(() => undefined);
    library.tags().then((x) => setTags(x.map((tag) => tag.name))).catch(() => undefined);
  }, []);

  useEffect(load, [load]);
  useEffect(loadSide, [loadSide]);
  useEvents(['library.changed', 'job.updated'], refreshLive);
  useEvents(['library.changed'], loadSide);
  useEffect(() => {
    setSelection((s) => keepShown(s, items.map((i) => i.id)));
    newestSeen.current = items.reduce((m, o) => Math.max(m, o.createdAt), newestSeen.current);
  }, [items]);

  const show = (v: BoardView) => {
    setView(v);
    setSelection(EMPTY_SELECTION);
    setShowBoards(false);
  };
  const showNew = () => {
    setItems((old) => [...pending, ...old].sort(newestFirst));
    setPending([]);
  };

  const order = useMemo(() => items.map((i) => i.id), [items]);
  const chosen = useMemo(() => items.filter((i) => selection.ids.has(i.id)), [items, selection]);
  const afterAction = () => {
    load();
    loadSide();
  };

  const doExport = async () => {
    if (!exporting || !exportFolder.trim()) return;
    try {
      const r = 'project' in exporting ? await library.exportBoard(exporting.project.id, exportFolder.trim()) : await library.exportIds(exporting.ids, exportFolder.trim(), t('gallery.bulk.exportName'));
      setExporting(null);
      notify(t('gallery.exported', { count: r.files, folder: r.folder }));
    } catch (e) {
      notify(errorText(e), { severity: 'error' });
    }
  };

  const emptyTrash = async () => {
    setConfirmEmpty(false);
    try {
      const r = await library.emptyTrash();
      notify(t('gallery.trashEmptied', { count: r.generations }));
      afterAction();
    } catch (e) {
      notify(errorText(e), { severity: 'error' });
    }
  };

  const filtered = filters.text.trim() !== '' || filters.favourite || filters.minRating > 0 || filters.mode !== '' || filters.tag !== '' || filters.textCheck !== '';
  const board = typeof view === 'string' && view !== 'trash' ? projects.find((p) => p.id === view) : undefined;
  const boards = (
    <BoardList
      projects={projects}
      view={view}
      onShow={show}
      onChanged={afterAction}
      onExport={(project) => {
        setExportFolder('');
        setExporting({ project });
      }}
      onDropIds={(ids, projectId, name) => {
        const moving = items.filter((i) => ids.includes(i.id));
        void moveTo(moving.length > 0 ? moving : ids.map((id) => ({ id, favourite: false, rating: 0, tags: [], projectId: null })), projectId, name)
          .then(afterAction)
          .catch((e: unknown) => notify(errorText(e), { severity: 'error' }));
      }}
    />
  );

  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: narrow ? 'minmax(0, 1fr)' : '220px minmax(0, 1fr)', gridTemplateRows: 'minmax(0, 1fr)', height: 'calc(100vh - 48px)' }}>
      {narrow ? (
        <Dialog open={showBoards} onClose={() => setShowBoards(false)} fullWidth>
          {boards}
        </Dialog>
      ) : (
        boards
      )}
      <Stack sx={{ minWidth: 0, minHeight: 0 }}>
        <Box
          sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, p: 1.5, alignItems: 'center', borderBottom: 1, borderColor: 'divider' }}
          data-testid="gallery-filters"
        >
          {narrow && (
            <Button size="small" variant="outlined" onClick={() => setShowBoards(true)}>
              {t('gallery.boards')}
            </Button>
          )}
          <TextField
            size="small"
            type="search"
            placeholder={t('gallery.search')}
            value={textInput}
            onChange={(e) => setTextInput(e.target.value)}
            slotProps={{
              input: { startAdornment: <InputAdornment position="start"><SearchIcon fontSize="small" /></InputAdornment> },
              htmlInput: { 'aria-label': t('gallery.search'), 'data-testid': 'gallery-search' },
            }}
            sx={{ flex: '1 1 320px', minWidth: 0 }}
          />
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'center', flex: '0 1 auto', minWidth: 0 }}>
            <FormControlLabel control={<Switch size="small" checked={filters.favourite} onChange={(e) => setFilters((f) => ({ ...f, favourite: e.target.checked }))} />} label={t('gallery.favourites')} sx={{ mr: 0 }} />
            <TextField select size="small" label={t('gallery.rating')} value={filters.minRating} onChange={(e) => setFilters((f) => ({ ...f, minRating: Number(e.target.value) }))} sx={{ width: 100 }}>
              <MenuItem value={0}>{t('gallery.any')}</MenuItem>
              {[1, 2, 3, 4, 5].map((n) => (
                <MenuItem key={n} value={n}>
                  {'★'.repeat(n)}+
                </MenuItem>
              ))}
            </TextField>
            <TextField select size="small" label={t('gallery.mode')} value={filters.mode} onChange={(e) => setFilters((f) => ({ ...f, mode: e.target.value as Filters['mode'] }))} sx={{ width: 140 }} slotProps={{ inputLabel: { shrink: true }, select: { displayEmpty: true } }}>
              <MenuItem value="">{t('gallery.any')}</MenuItem>
              {LibraryMode.options.map((m) => (
                <MenuItem key={m} value={m}>
                  {t(`modes.${m}`)}
                </MenuItem>
              ))}
            </TextField>
            <TextField select size="small" label={t('gallery.tag')} value={filters.tag} onChange={(e) => setFilters((f) => ({ ...f, tag: e.target.value }))} sx={{ width: 130 }} slotProps={{ inputLabel: { shrink: true }, select: { displayEmpty: true } }}>
              <MenuItem value="">{t('gallery.any')}</MenuItem>
              {tags.map((tag) => (
                <MenuItem key={tag} value={tag}>
                  {tag}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select
              size="small"
              label={t('textCheck.filterLabel')}
              value={filters.textCheck}
              onChange={(e) => setFilters((f) => ({ ...f, textCheck: e.target.value as Filters['textCheck'] }))}
              sx={{ width: 130 }}
              slotProps={{ inputLabel: { shrink: true }, select: { displayEmpty: true, SelectDisplayProps: { 'data-testid': 'text-check-filter' } as object } }}
            >
              <MenuItem value="">{t('textCheck.filterAny')}</MenuItem>
              <MenuItem value="ok">{t('textCheck.filterOk')}</MenuItem>
              <MenuItem value="issues">{t('textCheck.filterIssues')}</MenuItem>
            </TextField>
            {board && (
              <Button
                size="small"
                variant="outlined"
                data-testid="export-board"
                onClick={() => {
                  setExportFolder('');
                  setExporting({ project: board });
                }}
              >
                {t('gallery.exportBoard')}
              </Button>
            )}
            {trash && (
              <Button size="small" variant="outlined" color="error" disabled={items.length === 0 && trashedBoards.length === 0} onClick={() => setConfirmEmpty(true)} data-testid="empty-trash">
                {t('gallery.emptyTrash')}
              </Button>
            )}
            <Typography variant="caption" color="text.secondary" data-testid="gallery-count" aria-live="polite">
              {cursor ? t('gallery.countMore', { count: items.length }) : t('gallery.count', { count: items.length })}
            </Typography>
          </Box>
        </Box>
        {chosen.length > 0 && (
          <BulkBar
            items={chosen}
            trash={trash}
            projects={projects}
            tags={tags}
            onDone={afterAction}
            onClear={() => setSelection(EMPTY_SELECTION)}
            onSelectAll={() => setSelection({ ids: new Set(order), anchor: order[0] ?? null })}
            onExport={(ids) => {
              setExportFolder('');
              setExporting({ ids });
            }}
          />
        )}
        {trash && trashedBoards.length > 0 && (
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center', px: 1.5, py: 1, borderBottom: 1, borderColor: 'divider' }} data-testid="trashed-boards">
            <Typography variant="body2" color="text.secondary">
              {t('gallery.trashedBoards')}
            </Typography>
            {trashedBoards.map((p) => (
              <Chip
                key={p.id}
                label={p.name}
                data-testid="trashed-board"
                onDelete={() =>
                  void library
                    .restoreProject(p.id)
                    .then(() => {
                      notify(t('gallery.boardRestored', { name: p.name }));
                      afterAction();
                    })
                    .catch((e: unknown) => notify(errorText(e), { severity: 'error' }))
                }
                deleteIcon={
                  <Tooltip title={t('gallery.restoreBoard', { name: p.name })}>
                    <RestoreFromTrashIcon aria-label={t('gallery.restoreBoard', { name: p.name })} />
                  </Tooltip>
                }
              />
            ))}
          </Box>
        )}
        {pending.length > 0 && (
          <Box sx={{ display: 'flex', justifyContent: 'center', py: 0.5 }}>
            <Button size="small" variant="contained" onClick={showNew} data-testid="new-results">
              {t('gallery.newResults', { count: pending.length })}
            </Button>
          </Box>
        )}
        {error && (
          <Alert severity="error" sx={{ m: 1.5 }}>
            {error}
          </Alert>
        )}
        <Box sx={{ flex: 1, minHeight: 0 }}>
          {items.length === 0 && !loading && !(trash && trashedBoards.length > 0) ? (
            <Typography color="text.secondary" sx={{ p: 4, textAlign: 'center' }} data-testid="gallery-empty">
              {trash ? t('gallery.trashEmpty') : filtered ? t('gallery.noMatch') : t('gallery.empty')}
            </Typography>
          ) : (
            <GalleryGrid
              items={items}
              selected={selection.ids}
              currentId={openId}
              onItemClick={(g, mods) => setSelection((s) => clickSelect(s, order, g.id, mods))}
              onOpen={(g) => openDetail(g.id)}
              onBand={(indexes, additive, done) => {
                if (bandBase.current === null) bandBase.current = selection;
                setSelection(bandSelect(bandBase.current, order, indexes, additive));
                if (done) bandBase.current = null;
              }}
              onEndReached={loadMore}
              dragIds={(g) => (selection.ids.has(g.id) ? [...selection.ids] : [g.id])}
            />
          )}
        </Box>
      </Stack>
      <Dialog open={exporting !== null} onClose={() => setExporting(null)} aria-labelledby="export-title">
        <DialogTitle id="export-title">{exporting && 'project' in exporting ? t('gallery.exportTitle') : t('gallery.bulk.exportTitle', { count: exporting && 'ids' in exporting ? exporting.ids.length : 0 })}</DialogTitle>
        <DialogContent>
          <DialogContentText>{t('gallery.exportHelp')}</DialogContentText>
          <TextField autoFocus fullWidth margin="dense" label={t('gallery.folder')} value={exportFolder} onChange={(e) => setExportFolder(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void doExport()} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setExporting(null)}>{t('common.cancel')}</Button>
          <Button variant="contained" disabled={!exportFolder.trim()} onClick={() => void doExport()} data-testid="export-confirm">
            {t('gallery.export')}
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog open={confirmEmpty} onClose={() => setConfirmEmpty(false)} aria-labelledby="empty-title">
        <DialogTitle id="empty-title">{t('gallery.emptyTrashTitle')}</DialogTitle>
        <DialogContent>
          <DialogContentText>
            {t('gallery.emptyTrashText', { count: items.length })}
            {trashedBoards.length > 0 ? t('gallery.emptyTrashBoards', { count: trashedBoards.length }) : ''}
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirmEmpty(false)} autoFocus>
            {t('common.cancel')}
          </Button>
          <Button color="error" variant="contained" onClick={() => void emptyTrash()} data-testid="empty-trash-confirm">
            {t('gallery.emptyTrash')}
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
