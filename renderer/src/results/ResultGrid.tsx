/**
 * A job's results: one image large, several as a grid. Each opens the gallery detail; each has the
 * result actions. Two results can be compared side by side; an edit's result against its source with
 * a before/after slider. A big single result (and the best of a best-of-N-by-text job, shown first
 * with its candidates beside it) carries its text check: ticks and crosses under it, boxes over it.
 */
import CompareIcon from '@mui/icons-material/Compare';
import { Box, Button, Checkbox, Skeleton, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { openDetail } from '../app/detail';
import type { JobView } from '../jobs';
import type { Generation } from '../library/client';
import { useGenerations } from '../library/useGenerations';
import { mediaUrl } from '../media';
import { CheckedImage } from '../text-check';
import { CompareView, type CompareImage } from './CompareView';
import { ResultActions } from './ResultActions';

function sourceOf(g: Generation): string | null {
  const ref = g.references.find((r) => r.position === 0) ?? g.references[0];
  return ref ? mediaUrl(ref.media.image) : null;
}

export function ResultGrid({ job, big, bestFirst = false }: { job: JobView; big: boolean; bestFirst?: boolean }) {
  const { t } = useTranslation();
  const results = useGenerations(job.generationIds);
  const [picked, setPicked] = useState<string[]>([]);
  const [compare, setCompare] = useState<{ before: CompareImage; after: CompareImage; mode: 'side' | 'slider' } | null>(null);
  if (job.generationIds.length === 0) return null;
  if (results.length === 0) return <Skeleton variant="rounded" height={big ? 320 : 96} />;
  const label = (g: Generation) => t('results.seedLabel', { seed: g.seed ?? '—' });
  const image = (g: Generation, thumb: boolean) => (
    <Box
      component="button"
      onClick={() => openDetail(g.id)}
      aria-label={t('results.open', { id: g.id })}
      data-testid="result-open"
      data-id={g.id}
      sx={{ p: 0, border: 0, bgcolor: 'transparent', cursor: 'pointer', borderRadius: 1, overflow: 'hidden', lineHeight: 0, display: 'block', width: '100%' }}
    >
      {g.media ? (
        <img
          src={mediaUrl(thumb ? g.media.thumbs[512] : g.media.image)}
          alt={g.prompt}
          width={g.width}
          height={g.height}
          data-testid="result-image"
          style={{ width: '100%', height: 'auto', maxHeight: thumb ? 240 : '70vh', objectFit: 'contain', display: 'block', borderRadius: 8 }}
        />
      ) : (
        <Typography color="text.secondary">{t(`gallery.status.${g.status}`)}</Typography>
      )}
    </Box>
  );
  const checked = (g: Generation) =>
    g.media ? (
      <CheckedImage generation={g} src={mediaUrl(g.media.image)} alt={g.prompt} imageTestId="result-image" onOpen={() => openDetail(g.id)} openLabel={t('results.open', { id: g.id })} dense />
    ) : (
      image(g, false)
    );
  const edit = results.length === 1 && job.request.mode !== 'text' ? results[0]! : null;
  const source = edit ? sourceOf(edit) : null;
  const togglePick = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  const compared = picked.length === 2 ? picked.map((id) => results.find((g) => g.id === id)!) : results.slice(0, 2);

  return (
    <Box sx={{ mt: 1 }} data-testid="results">
      {results.length === 1 || (bestFirst && big) ? (
        <Stack sx={{ gap: 0.5 }}>
          {big ? checked(results[0]!) : image(results[0]!, true)}
          <ResultActions g={results[0]!} compact />
          {results.length > 1 && (
            <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap' }} data-testid="result-candidates">
              {results.slice(1).map((g) => (
                <Box key={g.id} sx={{ width: 96 }}>
                  {image(g, true)}
                </Box>
              ))}
            </Stack>
          )}
        </Stack>
      ) : (
        <Box sx={{ display: 'grid', gridTemplateColumns: `repeat(auto-fill, minmax(${big ? 180 : 120}px, 1fr))`, gap: 1 }} data-testid="result-grid">
          {results.map((g) => (
            <Stack key={g.id} sx={{ gap: 0.25, minWidth: 0 }}>
              {image(g, true)}
              <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap' }}>
                <Checkbox size="small" checked={picked.includes(g.id)} onChange={() => togglePick(g.id)} slotProps={{ input: { 'aria-label': t('results.pick', { seed: g.seed ?? '—' }) } }} />
                <ResultActions g={g} compact />
              </Stack>
            </Stack>
          ))}
        </Box>
      )}
      {(results.length > 1 || source) && (
        <Button
          size="small"
          startIcon={<CompareIcon />}
          sx={{ mt: 1 }}
          data-testid="compare-button"
          onClick={() =>
            setCompare(
              edit && source
                ? { before: { src: source, label: t('results.before') }, after: { src: mediaUrl(edit.media!.image), label: t('results.after') }, mode: 'slider' }
                : { before: { src: mediaUrl(compared[0]!.media!.image), label: label(compared[0]!) }, after: { src: mediaUrl(compared[1]!.media!.image), label: label(compared[1]!) }, mode: 'side' },
            )
          }
        >
          {edit ? t('results.compareSource') : picked.length === 2 ? t('results.comparePicked') : t('results.compareFirst')}
        </Button>
      )}
      {compare && <CompareView open before={compare.before} after={compare.after} initial={compare.mode} onClose={() => setCompare(null)} />}
    </Box>
  );
}
