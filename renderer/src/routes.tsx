/** The studio's screens, in the order of the navigation. Each names the API method it needs. */
import type { ReactNode } from 'react';
import { CanvasPage } from './pages/CanvasPage';
import { GalleryPage } from './pages/GalleryPage';
import { GeneratePage } from './pages/GeneratePage';
import { ModelsPage } from './pages/ModelsPage';
import { SettingsPage } from './pages/SettingsPage';
import { SystemPage } from './pages/SystemPage';

export interface Route {
  id: string;
  label: string;
  /** Method whose presence means the feature has landed in this build. */
  requires?: string;
  render(): ReactNode;
}

export const routes: Route[] = [
  // @routes
  { id: 'generate', label: 'Generate', requires: 'jobs.submit', render: () => <GeneratePage /> },
  // painting and cropping work without the engine; running a mode says so when jobs.submit is missing
  { id: 'canvas', label: 'Canvas', render: () => <CanvasPage /> },
  { id: 'gallery', label: 'Gallery', requires: 'library.search', render: () => <GalleryPage /> },
  { id: 'models', label: 'Models', requires: 'models.list', render: () => <ModelsPage /> },
  { id: 'settings', label: 'Settings', requires: 'settings.get', render: () => <SettingsPage /> },
  { id: 'system', label: 'System', render: () => <SystemPage /> },
];
