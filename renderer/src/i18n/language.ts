import type { SettingsView } from '../../../common/contract/ipc';

export const languages = ['en', 'nl'] as const;
export type Language = (typeof languages)[number];

/** The settings' choice, or for `system` the first of the OS's preferred languages we speak (else English). */
export function languageFor(setting: SettingsView['language'], preferred: readonly string[]): Language {
  if (setting !== 'system') return setting;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    const match = languages.find((language) => language === base);
    if (match) return match;
  }
  return 'en';
}
