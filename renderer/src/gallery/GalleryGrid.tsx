/**
 * A virtualised grid of thumbnails (only the rows on screen, plus a few, exist in the DOM), with
 * selection: click, Ctrl/Cmd+click, Shift+click, a checkbox on each thumbnail, and a rubber band
 * dragged from empty space. Thumbnails drag (with the selection) onto a board.
 */
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import FavoriteIcon from '@mui/icons-material/Favorite';
import RadioButtonUncheckedIcon from '@mui/icons-material/RadioButtonUnchecked';
import { Box, Typography } from '@mui/material';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GenerationSummary } from '../library/client';
import { mediaUrl } from '../media';
import { indexesInRect, type ClickMods, type GridGeometry, type Rect } from './selection';

const CELL = 200;
const GAP = 8;
const PAD_X = 8;
/** The MIME type a drag of thumbnails carries: the ids, as JSON. */
export const DRAG_IDS = 'application/x-glimmer-ids';

export interface GalleryGridProps {
  items: GenerationSummary[];
  selected: ReadonlySet<string>;
  /** The one open in the detail. */
  currentId: string | null;
  /** A click (with its modifiers) or a checkbox (toggle) on a thumbnail. */
  onItemClick(item: GenerationSummary, mods: ClickMods & { checkbox: boolean }): void;
  /** Enter or a plain click: open it. */
  onOpen(item: GenerationSummary): void;
  /** A rubber band: the indexes it touches (additive with Shift or Ctrl/Cmd). */
  onBand(indexes: number[], additive: boolean, done: boolean): void;
  /** Asked for more when the last rows come into view. */
  onEndReached?(): void;
  /** The ids a drag carries: the selection when the dragged thumbnail is in it, else that one. */
  dragIds(item: GenerationSummary): string[];
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function GalleryGrid({ items, selected, currentId, onItemClick, onOpen, onBand, onEndReached, dragIds }: GalleryGridProps) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [band, setBand] = useState<Rect | null>(null);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // as many columns of at least CELL as fit; cells widen to fill the row
  const inner = Math.max(CELL, width - 2 * PAD_X);
  const columns = Math.max(1, Math.floor((inner + GAP) / (CELL + GAP)));
  const cell = Math.floor((inner - GAP * (columns - 1)) / columns);
  const geometry: GridGeometry = { columns, cell, gap: GAP, padX: PAD_X };
  const rows = Math.ceil(items.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => cell + GAP,
    overscan: 3,
  });
  useEffect(() => virtualizer.measure(), [cell, virtualizer]);
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows[virtualRows.length - 1]?.index ?? -1;
  useEffect(() => {
    if (rows > 0 && lastRow >= rows - 2) onEndReached?.();
  }, [lastRow, rows, onEndReached]);

  // arrow keys move between thumbnails (rows scroll into view first, then the focus follows)
  const onKeyDown = (e: React.KeyboardEvent) => {
    const at = Number((e.target as HTMLElement).getAttribute('data-index'));
    if (!Number.isInteger(at) || (e.target as HTMLElement).getAttribute('data-testid') !== 'gallery-item') return;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, Home: -at, End: items.length - 1 - at }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const to = Math.max(0, Math.min(items.length - 1, at + step));
    virtualizer.scrollToIndex(Math.floor(to / columns));
    const focus = (tries: number) =>
      requestAnimationFrame(() => {
        const el = scroller.current?.querySelector<HTMLElement>(`[data-index="${to}"]`);
        if (el) el.focus();
        else if (tries > 0) focus(tries - 1);
      });
    focus(10);
  };

  // a rubber band from empty space: content coordinates, so it follows a scroll
  const bandStart = useRef<{ x: number; y: number; additive: boolean; id: number } | null>(null);
  const point = (e: React.PointerEvent) => {
    const box = scroller.current!.getBoundingClientRect();
    return { x: e.clientX - box.left + scroller.current!.scrollLeft, y: e.clientY - box.top + scroller.current!.scrollTop };
  };
  const onPointerDown = (e: React.PointerEvent) => {
    if (e.button !== 0 || (e.target as HTMLElement).closest('[data-testid=gallery-item]')) return;
    const p = point(e);
    if (p.x > scroller.current!.clientWidth) return; // the scrollbar
    bandStart.current = { ...p, additive: e.shiftKey || e.ctrlKey || e.metaKey, id: e.pointerId };
    scroller.current!.setPointerCapture(e.pointerId);
    e.preventDefault();
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const s = bandStart.current;
    if (!s || s.id !== e.pointerId) return;
    const p = point(e);
    const rect = { x0: s.x, y0: s.y, x1: p.x, y1: p.y };
    if (Math.abs(p.x - s.x) + Math.abs(p.y - s.y) < 4 && !band) return;
    setBand(rect);
    onBand(indexesInRect(geometry, items.length, rect), s.additive, false);
  };
  const onPointerUp = (e: React.PointerEvent) => {
    const s = bandStart.current;
    if (!s || s.id !== e.pointerId) return;
    bandStart.current = null;
    if (band) onBand(indexesInRect(geometry, items.length, band), s.additive, true);
    else onBand([], s.additive, true);
    setBand(null);
  };

  return (
    <Box
      ref={scroller}
      sx={{ height: '100%', overflowY: 'auto', overflowX: 'hidden', px: `${PAD_X}px`, position: 'relative', touchAction: band ? 'none' : 'auto' }}
      data-testid="gallery-grid"
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      <Box sx={{ height: virtualizer.getTotalSize() + GAP, position: 'relative' }} role="listbox" aria-multiselectable aria-label={t('gallery.images')}>
        {virtualRows.map((row) => (
          <Box key={row.key} sx={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)`, display: 'flex', gap: `${GAP}px`, pt: `${GAP}px` }}>
            {items.slice(row.index * columns, row.index * columns + columns).map((g, k) => {
              const index = row.index * columns + k;
              const isSelected = selected.has(g.id);
              const label = g.favourite ? t('gallery.itemFavourite', { prompt: g.prompt || t('gallery.untitled') }) : g.prompt || t('gallery.untitled');
              return (
                <Box
                  key={g.id}
                  component="button"
                  role="option"
                  aria-selected={isSelected}
                  draggable
                  onDragStart={(e: React.DragEvent) => {
                    const ids = dragIds(g);
                    e.dataTransfer.setData(DRAG_IDS, JSON.stringify(ids));
                    e.dataTransfer.setData('text/plain', t('gallery.dragging', { count: ids.length }));
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  onClick={(e: React.MouseEvent) => {
                    const mods = { shift: e.shiftKey, toggle: isMac ? e.metaKey : e.ctrlKey, checkbox: false };
                    onItemClick(g, mods);
                    if (!mods.shift && !mods.toggle) onOpen(g);
                  }}
                  aria-label={label}
                  aria-current={g.id === currentId ? 'true' : undefined}
                  data-testid="gallery-item"
                  data-id={g.id}
                  data-index={index}
                  data-selected={isSelected ? 'true' : undefined}
                  sx={{
                    position: 'relative',
                    width: cell,
                    height: cell,
                    p: 0,
                    border: 2,
                    borderColor: isSelected ? 'primary.main' : g.id === currentId ? 'secondary.main' : 'transparent',
                    outline: isSelected ? '2px solid' : 'none',
                    outlineColor: 'primary.main',
                    outlineOffset: -6,
                    borderRadius: 2,
                    overflow: 'hidden',
                    cursor: 'pointer',
                    bgcolor: 'action.hover',
                    flexShrink: 0,
                    '&:hover .select-box, & .select-box.on': { opacity: 1 },
                  }}
                >
                  {g.media ? (
                    <img src={mediaUrl(g.media.thumbs[256])} alt="" loading="lazy" draggable={false} style={{ width: '100%', height: '100%', objectFit: 'cover', display: 'block' }} />
                  ) : (
                    <Typography variant="caption" color="text.secondary">
                      {t(`gallery.status.${g.status}`)}
                    </Typography>
                  )}
                  <Box
                    component="span"
                    role="checkbox"
                    aria-checked={isSelected}
                    aria-label={t('gallery.selectOne', { prompt: g.prompt || t('gallery.untitled') })}
                    className={`select-box${isSelected ? ' on' : ''}`}
                    data-testid="select-box"
                    onClick={(e: React.MouseEvent) => {
                      e.stopPropagation();
                      onItemClick(g, { shift: e.shiftKey, toggle: true, checkbox: true });
                    }}
                    sx={{ position: 'absolute', top: 6, left: 6, opacity: 0, lineHeight: 0, color: 'common.white', filter: 'drop-shadow(0 0 2px #000a)', transition: 'opacity 120ms' }}
                  >
                    {isSelected ? <CheckCircleIcon fontSize="small" /> : <RadioButtonUncheckedIcon fontSize="small" />}
                  </Box>
                  {g.favourite && <FavoriteIcon fontSize="small" sx={{ position: 'absolute', top: 6, right: 6, color: '#ff4f7b', filter: 'drop-shadow(0 0 2px #0008)' }} />}
                </Box>
              );
            })}
          </Box>
        ))}
        {band && (
          <Box
            aria-hidden
            data-testid="rubber-band"
            sx={{
              position: 'absolute',
              left: Math.min(band.x0, band.x1) - PAD_X,
              top: Math.min(band.y0, band.y1),
              width: Math.abs(band.x1 - band.x0),
              height: Math.abs(band.y1 - band.y0),
              border: 1,
              borderColor: 'primary.main',
              bgcolor: 'primary.main',
              opacity: 0.2,
              pointerEvents: 'none',
            }}
          />
        )}
      </Box>
    </Box>
  );
}
