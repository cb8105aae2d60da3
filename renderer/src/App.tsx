/**
 * The studio's frame: the app bar (queue), the navigation (beside the screen on wide windows, a menu
 * on narrow ones and at high zoom), the current screen, and the window-wide hosts: images dropped,
 * pasted or opened (recall), the gallery detail, and the message line.
 */
import ListAltIcon from '@mui/icons-material/ListAlt';
import MenuIcon from '@mui/icons-material/Menu';
import { AppBar, Badge, Box, Drawer, IconButton, List, ListItemButton, ListItemText, Toolbar, Tooltip, Typography, useMediaQuery } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DetailHost } from './app/DetailHost';
import { NotifyHost } from './app/NotifyHost';
import { useJobs } from './jobs/useJobs';
import { QueueDrawer } from './queue/QueueDrawer';
import { RecallHost } from './recall/RecallHost';
import { routes } from './routes';
import { startWorkspaceSync } from './workspace/sync';

const NAV_WIDTH = 200;

function initialRoute(): string {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return routes.some((r) => r.id === hash) ? hash : routes[0].id;
}

export function App() {
  const [current, setCurrent] = useState(initialRoute);
  const [queueOpen, setQueueOpen] = useState(false);
  const [navOpen, setNavOpen] = useState(false);
  const { t } = useTranslation();
  const theme = useTheme();
  // beside the screen from 900 CSS px (a 1280 px window up to about 140 % zoom); a menu below that
  const wide = useMediaQuery(theme.breakpoints.up('md'), { noSsr: true });
  const { jobs } = useJobs();
  const active = jobs.filter((j) => j.state === 'running' || j.state === 'waiting').length;
  useEffect(() => {
    startWorkspaceSync();
    const onHash = () => setCurrent(initialRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const route = routes.find((r) => r.id === current) ?? routes[0];
  const nav = (
    <List component="nav" aria-label={t('nav.sections')}>
      {routes.map((r) => (
        <ListItemButton
          key={r.id}
          selected={r.id === route.id}
          aria-current={r.id === route.id ? 'page' : undefined}
          onClick={() => {
            window.location.hash = `/${r.id}`;
            setCurrent(r.id);
            setNavOpen(false);
          }}
        >
          <ListItemText primary={t(`nav.${r.label}`)} />
        </ListItemButton>
      ))}
    </List>
  );
  return (
    <Box sx={{ display: 'flex', height: '100vh', overflow: 'hidden' }}>
      <AppBar position="fixed" color="default" elevation={0} sx={{ zIndex: (th) => th.zIndex.drawer + 1, borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense" sx={{ gap: 1 }}>
          {!wide && (
            <IconButton edge="start" aria-label={t('nav.menu')} onClick={() => setNavOpen(true)} data-testid="nav-menu">
              <MenuIcon />
            </IconButton>
          )}
          <Typography variant="h6" component="h1" noWrap sx={{ fontWeight: 700, minWidth: 0 }}>
            {t('app.name')}
          </Typography>
          <Box sx={{ flex: 1 }} />
          <Tooltip title={t('queue.title')}>
            <IconButton aria-label={t('queue.buttonLabel', { count: active })} onClick={() => setQueueOpen(true)} data-testid="queue-button">
              <Badge badgeContent={active} color="primary">
                <ListAltIcon />
              </Badge>
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      {wide ? (
        <Drawer variant="permanent" sx={{ width: NAV_WIDTH, flexShrink: 0, '& .MuiDrawer-paper': { width: NAV_WIDTH, boxSizing: 'border-box' } }}>
          <Toolbar variant="dense" />
          {nav}
        </Drawer>
      ) : (
        <Drawer open={navOpen} onClose={() => setNavOpen(false)} sx={{ zIndex: (th) => th.zIndex.modal }} slotProps={{ paper: { sx: { width: NAV_WIDTH } } }}>
          <Toolbar variant="dense" />
          {nav}
        </Drawer>
      )}
      <Box component="main" sx={{ flexGrow: 1, minWidth: 0, display: 'flex', flexDirection: 'column', overflowY: 'auto', overflowX: 'hidden' }}>
        <Toolbar variant="dense" sx={{ flexShrink: 0 }} />
        <Box sx={{ flex: 1, minHeight: 0, minWidth: 0 }}>{route.render()}</Box>
      </Box>
      <QueueDrawer open={queueOpen} onClose={() => setQueueOpen(false)} />
      <RecallHost />
      <DetailHost />
      <NotifyHost />
    </Box>
  );
}
