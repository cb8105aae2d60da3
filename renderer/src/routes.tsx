/** The studio's screens, in the order of the navigation. */
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
  render(): ReactNode;
}

export const routes: Route[] = [
  { id: 'generate', label: 'Generate', render: () => <GeneratePage /> },
  { id: 'canvas', label: 'Canvas', render: () => <CanvasPage /> },
  { id: 'gallery', label: 'Gallery', render: () => <GalleryPage /> },
  { id: 'models', label: 'Models', render: () => <ModelsPage /> },
  { id: 'settings', label: 'Settings', render: () => <SettingsPage /> },
  { id: 'system', label: 'System', render: () => <SystemPage /> },
];
