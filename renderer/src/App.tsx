import ListAltIcon from '@mui/icons-material/ListAlt';
import {
  AppBar,
  Badge,
  Box,
  Drawer,
  IconButton,
  List,
  ListItemButton,
  ListItemText,
  Toolbar,
  Tooltip,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useJobs } from './jobs/useJobs';
import { QueueDrawer } from './queue/QueueDrawer';
import { routes } from './routes';

const NAV_WIDTH = 200;

function initialRoute(): string {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return routes.some((r) => r.id === hash) ? hash : routes[0].id;
}

export function App() {
  const [current, setCurrent] = useState(initialRoute);
  const [queueOpen, setQueueOpen] = useState(false);
  const { t } = useTranslation();
  const { jobs } = useJobs();
  const active = jobs.filter((j) => j.state === 'running' || j.state === 'waiting').length;
  useEffect(() => {
    const onHash = () => setCurrent(initialRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const route = routes.find((r) => r.id === current) ?? routes[0];
  return (
    <Box sx={{ display: 'flex', height: '100vh' }}>
      <AppBar position="fixed" color="default" elevation={0} sx={{ zIndex: (t) => t.zIndex.drawer + 1, borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense">
          <Typography variant="h6" component="h1" sx={{ fontWeight: 700 }}>
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
      <Drawer variant="permanent" sx={{ width: NAV_WIDTH, flexShrink: 0, '& .MuiDrawer-paper': { width: NAV_WIDTH, boxSizing: 'border-box' } }}>
        <Toolbar variant="dense" />
        <List component="nav" aria-label={t('nav.sections')}>
          {routes.map((r) => (
            <ListItemButton
              key={r.id}
              selected={r.id === route.id}
              aria-current={r.id === route.id ? 'page' : undefined}
              onClick={() => {
                window.location.hash = `/${r.id}`;
                setCurrent(r.id);
              }}
            >
              <ListItemText primary={t(`nav.${r.label}`)} />
            </ListItemButton>
          ))}
        </List>
      </Drawer>
      <Box component="main" sx={{ flexGrow: 1, overflow: 'auto' }}>
        <Toolbar variant="dense" />
        {route.render()}
      </Box>
      <QueueDrawer open={queueOpen} onClose={() => setQueueOpen(false)} />
    </Box>
  );
}
