/** The studio's screens, in the order of the navigation. */
import type { ReactNode } from 'react';
import type { Messages } from './i18n';
import { CanvasPage } from './pages/CanvasPage';
import { GalleryPage } from './pages/GalleryPage';
import { GeneratePage } from './pages/GeneratePage';
import { ModelsPage } from './pages/ModelsPage';
import { SettingsPage } from './pages/SettingsPage';
import { SystemPage } from './pages/SystemPage';

export interface Route {
  id: string;
  /** The navigation label's message key. */
  label: keyof Messages['nav'];
  render(): ReactNode;
}

export const routes: Route[] = [
  { id: 'generate', label: 'generate', render: () => <GeneratePage /> },
  { id: 'canvas', label: 'canvas', render: () => <CanvasPage /> },
  { id: 'gallery', label: 'gallery', render: () => <GalleryPage /> },
  { id: 'models', label: 'models', render: () => <ModelsPage /> },
  { id: 'settings', label: 'settings', render: () => <SettingsPage /> },
  { id: 'system', label: 'system', render: () => <SystemPage /> },
];
