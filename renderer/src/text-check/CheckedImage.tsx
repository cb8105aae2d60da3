/**
 * A generation's image with its text check: the boxes over the image (toggle) and the panel of quoted
 * strings below it. Renders the plain image when the prompt quotes nothing.
 */
import { Box, Stack } from '@mui/material';
import { useState } from 'react';
import type { Generation } from '../library/client';
import { TextBoxesOverlay } from './TextBoxesOverlay';
import { TextCheckPanel } from './TextCheckPanel';
import { useTextCheck } from './useTextCheck';

export interface CheckedImageProps {
  generation: Generation;
  src: string;
  alt: string;
  imageTestId?: string;
  /** Extra style of the image's frame (width, radius). */
  frameSx?: object;
  dense?: boolean;
  /** The image as a button that opens it (the result panel); its label for screen readers. */
  onOpen?: () => void;
  openLabel?: string;
}

export function CheckedImage({ generation, src, alt, imageTestId, frameSx, dense, onOpen, openLabel }: CheckedImageProps) {
  const live = useTextCheck(generation);
  const [showBoxes, setShowBoxes] = useState(true);
  const check = live.check;
  return (
    <Stack sx={{ gap: 1 }}>
      <Box sx={{ position: 'relative', lineHeight: 0, ...frameSx }} data-testid="checked-image">
        {onOpen ? (
          <Box
            component="button"
            onClick={onOpen}
            aria-label={openLabel}
            data-testid="result-open"
            data-id={generation.id}
            sx={{ p: 0, border: 0, bgcolor: 'transparent', cursor: 'pointer', display: 'block', width: '100%', lineHeight: 0 }}
          >
            <Box component="img" src={src} alt={alt} data-testid={imageTestId} sx={{ width: '100%', height: 'auto', maxHeight: '70vh', objectFit: 'contain', borderRadius: 2, bgcolor: 'action.hover' }} />
          </Box>
        ) : (
          <Box component="img" src={src} alt={alt} data-testid={imageTestId} sx={{ width: '100%', height: 'auto', borderRadius: 2, bgcolor: 'action.hover' }} />
        )}
        {check && showBoxes && check.targets.length > 0 && <TextBoxesOverlay check={check} />}
      </Box>
      <TextCheckPanel live={live} showBoxes={showBoxes} onShowBoxes={setShowBoxes} dense={dense} />
    </Stack>
  );
}
