/** The text check's boxes drawn over its image: green where a quoted string was read as written, red where not. */
import { Box } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { TextCheck } from '../../../main/contract';
import { overlayBoxes } from './view';

export function TextBoxesOverlay({ check }: { check: TextCheck }) {
  const { t } = useTranslation();
  const boxes = overlayBoxes(check);
  const font = Math.max(14, Math.round(check.width / 28));
  return (
    <Box
      component="svg"
      viewBox={`0 0 ${check.width} ${check.height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={t('textCheck.overlayLabel')}
      data-testid="text-boxes"
      sx={{ position: 'absolute', inset: 0, width: '100%', height: '100%', pointerEvents: 'none' }}
    >
      {boxes.map((b, i) => (
        <g key={i} data-testid={b.found ? 'text-box-found' : 'text-box-miss'}>
          <polygon points={b.points} fill={b.found ? 'rgba(46,204,113,0.18)' : 'rgba(231,76,60,0.18)'} stroke={b.found ? '#2ecc71' : '#e74c3c'} strokeWidth={Math.max(2, check.width / 250)} />
          {b.label && (
            <text x={b.x} y={Math.max(font, b.y - font * 0.3)} fontSize={font} fontFamily="sans-serif" fontWeight="bold" fill={b.found ? '#2ecc71' : '#e74c3c'} stroke="#000a" strokeWidth={font / 10} paintOrder="stroke">
              {b.label}
            </text>
          )}
        </g>
      ))}
    </Box>
  );
}
