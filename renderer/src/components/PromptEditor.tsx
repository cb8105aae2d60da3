/**
 * A prompt box that highlights quoted text (what GLM-Image draws as letters) as you type: a
 * transparent textarea over a backdrop that repeats the text with the quoted runs marked. Below it,
 * the texts that will be drawn, as chips.
 */
import { Alert, Box, Chip, Stack, Typography } from '@mui/material';
import { alpha, useTheme } from '@mui/material/styles';
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { promptSegments, quotedRanges, quoteWarnings } from '../generate';

export interface PromptEditorProps {
  value: string;
  onChange(value: string): void;
  label?: string;
  placeholder?: string;
  minRows?: number;
  onSubmit?(): void;
  id?: string;
}

export function PromptEditor({ value, onChange, label, placeholder, minRows = 4, onSubmit, id = 'prompt' }: PromptEditorProps) {
  const theme = useTheme();
  const { t } = useTranslation();
  const backdrop = useRef<HTMLDivElement>(null);
  const segments = useMemo(() => promptSegments(value), [value]);
  const drawn = useMemo(() => quotedRanges(value).map((r) => r.text), [value]);
  const warnings = useMemo(() => quoteWarnings(value), [value]);
  const shared = {
    font: 'inherit',
    fontSize: '1rem',
    lineHeight: 1.5,
    padding: '12px 14px',
    whiteSpace: 'pre-wrap' as const,
    overflowWrap: 'break-word' as const,
    wordBreak: 'break-word' as const,
    letterSpacing: 'normal',
    border: 0,
    margin: 0,
  };
  return (
    <Box>
      <Typography component="label" htmlFor={id} variant="subtitle2" sx={{ display: 'block', mb: 0.5 }}>
        {label ?? t('prompt.label')}
      </Typography>
      <Box
        sx={{
          position: 'relative',
          border: 1,
          borderColor: 'divider',
          borderRadius: 1,
          bgcolor: 'background.paper',
          '&:focus-within': { borderColor: 'primary.main', boxShadow: `0 0 0 2px ${alpha(theme.palette.primary.main, 0.35)}` },
        }}
      >
        <Box ref={backdrop} aria-hidden sx={{ ...shared, position: 'absolute', inset: 0, overflow: 'hidden', color: 'transparent', pointerEvents: 'none' }}>
          {segments.map((s, i) =>
            s.quoted ? (
              <Box
                key={i}
                component="mark"
                data-testid="quoted-text"
                sx={{ color: 'transparent', bgcolor: alpha(theme.palette.secondary.main, 0.3), borderRadius: '3px', boxShadow: `0 0 0 1px ${alpha(theme.palette.secondary.main, 0.6)}` }}
              >
                {s.text}
              </Box>
            ) : (
              <span key={i}>{s.text}</span>
            ),
          )}
          {/* keeps a trailing newline's height */}
          {'\u200b'}
        </Box>
        <Box
          component="textarea"
          id={id}
          value={value}
          rows={minRows}
          placeholder={placeholder}
          spellCheck
          aria-describedby={`${id}-help`}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)}
          onScroll={(e: React.UIEvent<HTMLTextAreaElement>) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onKeyDown={(e: React.KeyboardEvent<HTMLTextAreaElement>) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && onSubmit) {
              e.preventDefault();
              onSubmit();
            }
          }}
          sx={{
            ...shared,
            position: 'relative',
            display: 'block',
            width: '100%',
            resize: 'vertical',
            bgcolor: 'transparent',
            color: 'text.primary',
            caretColor: theme.palette.text.primary,
            outline: 'none',
            minHeight: `${minRows * 1.5 + 1.5}em`,
          }}
        />
      </Box>
      <Stack id={`${id}-help`} direction="row" sx={{ mt: 0.75, gap: 0.5, flexWrap: 'wrap', alignItems: 'center', minHeight: 28 }}>
        {drawn.length === 0 ? (
          <Typography variant="caption" color="text.secondary">
            {t('prompt.quoteHint')}
          </Typography>
        ) : (
          <>
            <Typography variant="caption" color="text.secondary">
              {t('prompt.drawnAs')}
            </Typography>
            {drawn.map((text, i) => (
              <Chip key={i} size="small" color="secondary" variant="outlined" label={text === '' ? t('prompt.emptyQuote') : text} data-testid="glyph-chip" />
            ))}
          </>
        )}
      </Stack>
      {warnings.length > 0 && (
        <Alert severity="warning" sx={{ mt: 0.75, py: 0 }} data-testid="quote-warning" role="status">
          {warnings.map((w, i) => (
            <div key={i}>{w}</div>
          ))}
        </Alert>
      )}
    </Box>
  );
}
