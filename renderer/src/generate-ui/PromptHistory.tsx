/** The prompts of the library, newest first, searchable: one click puts one back in the form. */
import HistoryIcon from '@mui/icons-material/History';
import { Box, Button, Dialog, DialogContent, DialogTitle, List, ListItemButton, ListItemText, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n';
import { library } from '../library/client';

interface Entry {
  prompt: string;
  at: number;
}

export function PromptHistory({ onPick }: { onPick(prompt: string): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    const timer = setTimeout(() => {
      library
        .search({ limit: 200, ...(text.trim() ? { text: text.trim() } : {}) })
        .then((page) => {
          if (!live) return;
          const seen = new Set<string>();
          const out: Entry[] = [];
          for (const g of page.items) {
            if (!g.prompt.trim() || seen.has(g.prompt)) continue;
            seen.add(g.prompt);
            out.push({ prompt: g.prompt, at: g.createdAt });
          }
          setEntries(out.slice(0, 50));
        })
        .catch(() => live && setEntries([]));
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [open, text]);
  return (
    <>
      <Button size="small" startIcon={<HistoryIcon />} onClick={() => setOpen(true)} data-testid="prompt-history">
        {t('generate.history')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm" aria-labelledby="history-title">
        <DialogTitle id="history-title">{t('generate.historyTitle')}</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            size="small"
            type="search"
            placeholder={t('generate.historySearch')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            slotProps={{ htmlInput: { 'aria-label': t('generate.historySearch'), 'data-testid': 'history-search' } }}
            sx={{ mt: 0.5 }}
          />
          {entries && entries.length === 0 && (
            <Typography color="text.secondary" sx={{ mt: 2 }} data-testid="history-empty">
              {t('generate.historyEmpty')}
            </Typography>
          )}
          <List dense>
            {(entries ?? []).map((e) => (
              <ListItemButton
                key={e.prompt}
                data-testid="history-entry"
                onClick={() => {
                  onPick(e.prompt);
                  setOpen(false);
                }}
              >
                <ListItemText
                  primary={<Box component="span" sx={{ display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden', overflowWrap: 'anywhere' }}>{e.prompt}</Box>}
                  secondary={fmt.dateTime(e.at)}
                />
              </ListItemButton>
            ))}
          </List>
        </DialogContent>
      </Dialog>
    </>
  );
}
