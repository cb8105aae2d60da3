import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LanguageRoot } from './i18n/LanguageRoot';
import { ThemeRoot } from './theme';

const container = document.getElementById('root');
if (!container) throw new Error('missing #root');
createRoot(container).render(
  <StrictMode>
    <LanguageRoot>
      <ThemeRoot>
        <App />
      </ThemeRoot>
    </LanguageRoot>
  </StrictMode>,
);
