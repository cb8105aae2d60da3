/** A finished generation's image, from the library (or a plain note where the library API has not landed). */
import { Box, Skeleton, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { useGeneration } from '../library/useGeneration';
import { mediaUrl } from '../media';

export function ResultImage({ generationId, size = 256, onOpen }: { generationId: string; size?: number; onOpen?(): void }) {
  const { generation, error } = useGeneration(generationId);
  const { t } = useTranslation();
  if (generation === undefined) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="result-saved">
        {t('job.savedAs', { id: generationId })}
      </Typography>
    );
  }
  if (error) return <Typography color="error">{error}</Typography>;
  if (!generation?.media) return <Skeleton variant="rounded" width={size} height={size} />;
  const src = mediaUrl(size > 256 ? generation.media.image : generation.media.thumbs[256]);
  const h = Math.round((size * generation.height) / generation.width);
  return (
    <Box
      component={onOpen ? 'button' : 'div'}
      onClick={onOpen}
      sx={{ p: 0, border: 0, bgcolor: 'transparent', cursor: onOpen ? 'pointer' : 'default', borderRadius: 1, overflow: 'hidden', lineHeight: 0 }}
      aria-label={onOpen ? t('job.openGeneration', { id: generationId }) : undefined}
    >
      <img src={src} alt={generation.prompt} width={size} height={h} data-testid="result-image" style={{ maxWidth: '100%', height: 'auto', borderRadius: 8 }} />
    </Box>
  );
}
