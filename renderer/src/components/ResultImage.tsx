/** A finished generation's image, from the library (or a plain note where the library API has not landed). */
import { Box, Skeleton, Typography } from '@mui/material';
import { useGeneration } from '../library/useGeneration';
import { mediaUrl } from '../media';
import { CheckedImage } from '../text-check';

export function ResultImage({ generationId, size = 256, onOpen }: { generationId: string; size?: number; onOpen?(): void }) {
  const { generation, error } = useGeneration(generationId);
  if (generation === undefined) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="result-saved">
        Saved as generation {generationId}.
      </Typography>
    );
  }
  if (error) return <Typography color="error">{error}</Typography>;
  if (!generation?.media) return <Skeleton variant="rounded" width={size} height={size} />;
  const src = mediaUrl(size > 256 ? generation.media.image : generation.media.thumbs[256]);
  const h = Math.round((size * generation.height) / generation.width);
  // the big result shows its text check (ticks, crosses, boxes) under and over the image
  if (size > 256 && !onOpen) return <CheckedImage generation={generation} src={src} alt={generation.prompt} imageTestId="result-image" frameSx={{ width: size, maxWidth: '100%' }} dense />;
  return (
    <Box
      component={onOpen ? 'button' : 'div'}
      onClick={onOpen}
      sx={{ p: 0, border: 0, bgcolor: 'transparent', cursor: onOpen ? 'pointer' : 'default', borderRadius: 1, overflow: 'hidden', lineHeight: 0 }}
      aria-label={onOpen ? `Open generation ${generationId}` : undefined}
    >
      <img src={src} alt={generation.prompt} width={size} height={h} data-testid="result-image" style={{ maxWidth: '100%', height: 'auto', borderRadius: 8 }} />
    </Box>
  );
}
