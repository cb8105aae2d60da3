/** Light/dark following the OS, unless the user picked one in Settings (kept in localStorage); MUI's own words in the window's language. */
import { CssBaseline, ThemeProvider, createTheme, useMediaQuery } from '@mui/material';
import { enUS, zhCN } from '@mui/material/locale';
import { useTranslation } from 'react-i18next';
import { type ReactNode, createContext, useContext, useEffect, useMemo, useState } from 'react';
import { call } from './api/client';

export type ThemeChoice = 'system' | 'light' | 'dark';

const ThemeChoiceContext = createContext<{ choice: ThemeChoice; setChoice(c: ThemeChoice): void }>({
  choice: 'system',
  setChoice: () => {},
});

export function useThemeChoice() {
  return useContext(ThemeChoiceContext);
}

export function ThemeRoot({ children }: { children: ReactNode }) {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const [choice, setChoiceState] = useState<ThemeChoice>(() => (localStorage.getItem('glimmer-theme') as ThemeChoice | null) ?? 'system');
  const mode = choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
  const { i18n } = useTranslation();
  const muiLocale = i18n.language === 'zh-CN' ? zhCN : enUS;
  const theme = useMemo(
    () =>
      createTheme(
        {
          palette: {
            mode,
            primary: { main: mode === 'dark' ? '#b39dff' : '#5b3fd6' },
            secondary: { main: mode === 'dark' ? '#ffcf70' : '#b26a00' },
            background: mode === 'dark' ? { default: '#121218', paper: '#1b1b24' } : { default: '#f6f5fa', paper: '#ffffff' },
          },
          shape: { borderRadius: 10 },
          typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' },
          components: {
            // a focus ring that shows on every keyboard-focused control, in both modes
            MuiCssBaseline: {
              styleOverrides: {
                ':focus-visible': { outline: `2px solid ${mode === 'dark' ? '#ffcf70' : '#5b3fd6'}`, outlineOffset: 2 },
                // ButtonBase sets outline: 0 on its root class; two classes win over it
                '.MuiButtonBase-root.Mui-focusVisible': { outline: `2px solid ${mode === 'dark' ? '#ffcf70' : '#5b3fd6'}`, outlineOffset: 2 },
                '@media (prefers-reduced-motion: reduce)': { '*': { transition: 'none !important', animation: 'none !important' } },
              },
            },
          },
        },
        muiLocale,
      ),
    [mode, muiLocale],
  );
  const setChoice = (c: ThemeChoice) => {
    localStorage.setItem('glimmer-theme', c);
    setChoiceState(c);
  };
  // the saved setting (shared by the app and `serve`) wins over this window's copy
  useEffect(() => {
    call('settings.get', {})
      .then((s) => {
        if (s.theme !== (localStorage.getItem('glimmer-theme') ?? 'system')) setChoice(s.theme);
      })
      .catch(() => undefined);
  }, []);
  return (
    <ThemeChoiceContext.Provider value={{ choice, setChoice }}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        {children}
      </ThemeProvider>
    </ThemeChoiceContext.Provider>
  );
}
