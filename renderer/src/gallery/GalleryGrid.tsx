/** A virtualised grid of thumbnails: only the rows on screen (plus a few) exist in the DOM. */
import FavoriteIcon from '@mui/icons-material/Favorite';
import { Box, Typography } from '@mui/material';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GenerationSummary } from '../library/client';
import { mediaUrl } from '../media';

const CELL = 200;
const GAP = 8;

export interface GalleryGridProps {
  items: GenerationSummary[];
  selectedId: string | null;
  onOpen(item: GenerationSummary): void;
  /** Asked for more when the last rows come into view. */
  onEndReached?(): void;
}

export function GalleryGrid({ items, selectedId, onOpen, onEndReached }: GalleryGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const { t } = useTranslation();
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // as many columns of at least CELL as fit; cells widen to fill the row
  const inner = Math.max(CELL, width - 16);
  const columns = Math.max(1, Math.floor((inner + GAP) / (CELL + GAP)));
  const cell = Math.floor((inner - GAP * (columns - 1)) / columns);
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

  return (
    <Box ref={scroller} sx={{ height: '100%', overflow: 'auto', px: 1 }} data-testid="gallery-grid" onKeyDown={onKeyDown}>
      <Box sx={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="list" aria-label={t('gallery.images')}>
        {virtualRows.map((row) => (
          <Box key={row.key} sx={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)`, display: 'flex', gap: `${GAP}px`, pt: `${GAP}px` }}>
            {items.slice(row.index * columns, row.index * columns + columns).map((g, k) => (
              <Box
                key={g.id}
                component="button"
                role="listitem"
                onClick={() => onOpen(g)}
                aria-label={g.favourite ? t('gallery.itemFavourite', { prompt: g.prompt || t('gallery.untitled') }) : g.prompt || t('gallery.untitled')}
                aria-current={g.id === selectedId ? 'true' : undefined}
                data-testid="gallery-item"
                data-id={g.id}
                data-index={row.index * columns + k}
                sx={{
                  position: 'relative',
                  width: cell,
                  height: cell,
                  p: 0,
                  border: 2,
                  borderColor: g.id === selectedId ? 'primary.main' : 'transparent',
                  borderRadius: 2,
                  overflow: 'hidden',
                  cursor: 'pointer',
                  bgcolor: 'action.hover',
                  flexShrink: 0,
                }}
              >
                {g.media ? (
                  <img src={mediaUrl(g.media.thumbs[256])} alt="" loading="lazy" style={{ width: '100%', height: '100%', objectFit: 'cover', display: 'block' }} />
                ) : (
                  <Typography variant="caption" color="text.secondary">
                    {t(`gallery.status.${g.status}`)}
                  </Typography>
                )}
                {g.favourite && <FavoriteIcon fontSize="small" sx={{ position: 'absolute', top: 6, right: 6, color: '#ff4f7b', filter: 'drop-shadow(0 0 2px #0008)' }} />}
              </Box>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
