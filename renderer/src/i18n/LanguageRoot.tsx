/**
 * The window's language: the saved setting (shared by the app and `serve`, cached in localStorage
 * so the first paint is already in it), following the OS / browser for 'system'.
 */
import { type ReactNode, createContext, useContext, useEffect, useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import { Language } from '../../../main/contract';
import { call } from '../api/client';
import { applyLanguage, i18n } from './index';

const STORAGE_KEY = 'glimmer-language';

function storedChoice(): Language {
  const parsed = Language.safeParse(typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY));
  return parsed.success ? parsed.data : 'system';
}

const LanguageChoiceContext = createContext<{ choice: Language; setChoice(l: Language): void }>({ choice: 'system', setChoice: () => {} });

export function useLanguageChoice() {
  return useContext(LanguageChoiceContext);
}

export function LanguageRoot({ children }: { children: ReactNode }) {
  const [choice, setChoiceState] = useState<Language>(() => {
    const c = storedChoice();
    applyLanguage(c);
    return c;
  });
  const setChoice = (l: Language) => {
    localStorage.setItem(STORAGE_KEY, l);
    applyLanguage(l);
    setChoiceState(l);
  };
  // the saved setting wins over this window's copy
  useEffect(() => {
    call('settings.get', {})
      .then((s) => {
        if (s.language !== storedChoice()) setChoice(s.language);
      })
      .catch(() => undefined);
    // the OS / browser language can change while the window is open
    const onChange = () => applyLanguage(storedChoice());
    window.addEventListener('languagechange', onChange);
    return () => window.removeEventListener('languagechange', onChange);
  }, []);
  return (
    <LanguageChoiceContext.Provider value={{ choice, setChoice }}>
      <I18nextProvider i18n={i18n}>{children}</I18nextProvider>
    </LanguageChoiceContext.Provider>
  );
}
