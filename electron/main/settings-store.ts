import Store from 'electron-store';
import { settingsFrom, validPatch, type Settings, type SettingsStore } from '../services/settings';

/**
 * The settings of electron/services/settings.ts kept by electron-store in the app's userData folder.
 * Same file format and the same per-key validation as the plain-Node ConfSettingsStore; only where
 * the file lives differs (electron-store asks Electron for the folder).
 */
export class ElectronSettingsStore implements SettingsStore {
  private readonly store = new Store<Record<string, unknown>>({
    name: 'settings',
    clearInvalidConfig: true,
    accessPropertiesByDotNotation: false,
  });

  read(): Settings {
    return settingsFrom(this.store.store);
  }

  update(patch: Partial<Settings>): Settings {
    const next = { ...this.read(), ...validPatch(patch) };
    this.store.store = { ...next };
    return next;
  }
}
