/** Best of N by text: where this generation stands in its group, and the other candidates to open. */
import { Box, Chip, Stack, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n';
import { type Generation, library } from '../library/client';
import { mediaUrl } from '../media';

export function GroupStrip({ generation, onOpen }: { generation: Generation; onOpen(id: string): void }) {
  const { t } = useTranslation();
  const group = generation.group;
  const [others, setOthers] = useState<Generation[]>([]);
  useEffect(() => {
    let live = true;
    const ids = (group?.members ?? []).filter((m) => m !== generation.id).slice(0, 15);
    Promise.all(ids.map((m) => library.get(m).catch(() => null))).then((gs) => live && setOthers(gs.filter((g): g is Generation => g !== null)));
    return () => {
      live = false;
    };
  }, [group, generation.id]);
  if (!group) return null;
  return (
    <Box data-testid="group-strip">
      <Stack direction="row" sx={{ gap: 1, alignItems: 'center', mb: 0.5 }}>
        <Chip size="small" color={group.rank === 0 ? 'success' : 'default'} label={group.rank === 0 ? t('textCheck.bestCandidateOf', { count: group.size }) : group.rank === null ? t('textCheck.bestOf', { count: group.size }) : t('textCheck.alternate', { rank: fmt.number(group.rank), others: fmt.number(group.size - 1) })} data-testid="group-rank" />
      </Stack>
      {others.length > 0 && (
        <>
          <Typography variant="subtitle2">{t('textCheck.alternatesTitle')}</Typography>
          <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap', mt: 0.5 }}>
            {others.map((c) => (
              <Box key={c.id} component="button" onClick={() => onOpen(c.id)} aria-label={t('textCheck.openCandidate', { id: c.id })} data-testid="group-member" sx={{ position: 'relative', p: 0, border: 0, borderRadius: 1, overflow: 'hidden', cursor: 'pointer', lineHeight: 0 }}>
                {c.media && <img src={mediaUrl(c.media.thumbs[256])} alt="" width={64} height={64} style={{ objectFit: 'cover' }} />}
                {c.textCheck && (
                  <Box component="span" sx={{ position: 'absolute', bottom: 2, right: 4, fontSize: 14, lineHeight: 1, color: c.textCheck === 'ok' ? '#2ecc71' : '#e74c3c', textShadow: '0 0 2px #000' }}>
                    {c.textCheck === 'ok' ? '✓' : '✗'}
                  </Box>
                )}
              </Box>
            ))}
          </Stack>
        </>
      )}
    </Box>
  );
}
