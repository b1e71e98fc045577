import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import { languageFor, type Language } from './language';

/** One i18next instance for the renderer, English until the settings say otherwise. */
export const i18n: I18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  initAsync: false,
});

/**
 * English texts of a screen that is not part of start-up (the local authenticator's, the portal's
 * consent question), added when its
 * chunk loads: start-up carries only what the first screens say (bench/, figure 6). Other languages
 * are whole chunks of their own.
 */
export function addEnglish(texts: object): void {
  i18n.addResourceBundle('en', 'translation', texts, true, false);
}

// English is the fallback and ships with start-up; other languages are chunks of their own.
const bundles: Record<Exclude<Language, 'en'>, () => Promise<{ default: object }>> = {
  nl: () => import('./nl.json'),
};

async function load(language: Language): Promise<void> {
  if (language === 'en' || i18n.hasResourceBundle(language, 'translation')) return;
  const { default: texts } = await bundles[language]();
  i18n.addResourceBundle(language, 'translation', texts);
}

/** Switches the UI to `language` once its texts are loaded (a local file: a few milliseconds). */
export async function applyLanguage(language: Language): Promise<void> {
  await load(language);
  if (i18n.language !== language) await i18n.changeLanguage(language);
  document.documentElement.lang = language;
}

/** The OS's language, before the settings are read: applied before the first paint. */
export function applySystemLanguage(): Promise<void> {
  return applyLanguage(languageFor('system', navigator.languages));
}
