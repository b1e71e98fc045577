import Conf from 'conf';
import { z } from 'zod';
import { settingsView } from '../../common/contract/ipc';
import { checkServerUrl } from './portal-client';

/**
 * The desktop app's non-secret settings. Tokens never come here: the session lives in memory and the
 * trusted-device token in the keychain. The file is conf's JSON (the format electron-store writes too),
 * so main can swap in electron-store without migrating anything.
 */

export const defaultServerUrl = 'http://127.0.0.1:4300';

const windowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(100).max(20_000),
  height: z.number().int().min(100).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowState>;

/** One schema per key: a hand-edited file with one bad value loses that value only. */
const fields = {
  serverUrl: z.string().transform((value, ctx) => {
    try {
      return checkServerUrl(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'insecure' });
      return z.NEVER;
    }
  }),
  lastEmail: z.string().max(400).nullable(),
  language: settingsView.shape.language,
  theme: settingsView.shape.theme,
  windowState: windowState.nullable(),
};

export interface Settings {
  serverUrl: string;
  lastEmail: string | null;
  language: z.infer<typeof fields.language>;
  theme: z.infer<typeof fields.theme>;
  windowState: WindowState | null;
}

export const defaultSettings: Readonly<Settings> = Object.freeze({
  serverUrl: defaultServerUrl,
  lastEmail: null,
  language: 'system',
  theme: 'system',
  windowState: null,
});

const settingKeys = Object.keys(fields) as (keyof Settings)[];

export interface SettingsStore {
  read(): Settings;
  /** Validates and writes the given keys; a refused serverUrl throws DesktopError('insecure_server_url'). */
  update(patch: Partial<Settings>): Settings;
}

/** Any raw object (a JSON file, anything) -> valid settings, defaults where a value is missing or bad. */
export function settingsFrom(raw: unknown): Settings {
  const source: Record<string, unknown> =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw } : {};
  const pick = <K extends keyof Settings>(key: K): Settings[K] => {
    const parsed = fields[key].safeParse(source[key]);
    return parsed.success ? (parsed.data as Settings[K]) : defaultSettings[key];
  };
  return {
    serverUrl: pick('serverUrl'),
    lastEmail: pick('lastEmail'),
    language: pick('language'),
    theme: pick('theme'),
    windowState: pick('windowState'),
  };
}

/** Validates a change; serverUrl goes through checkServerUrl so its DesktopError reaches the caller. */
export function validPatch(patch: Partial<Settings>): Partial<Settings> {
  const valid: Record<string, unknown> = {};
  for (const key of settingKeys) {
    if (!Object.hasOwn(patch, key) || patch[key] === undefined) continue;
    valid[key] = key === 'serverUrl' ? checkServerUrl(String(patch[key])) : fields[key].parse(patch[key]);
  }
  return valid as Partial<Settings>;
}

export interface ConfSettingsOptions {
  /** Where the file lives; default: the OS's config folder for "wem-account". Tests pass a temp folder. */
  cwd?: string;
  configName?: string;
}

export class ConfSettingsStore implements SettingsStore {
  private readonly conf: Conf<Record<string, unknown>>;

  constructor(options: ConfSettingsOptions = {}) {
    this.conf = new Conf<Record<string, unknown>>({
      projectName: 'wem-account',
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.configName ? { configName: options.configName } : {}),
      // Validation is ours (zod, per key): a broken file must fall back to defaults, never crash.
      clearInvalidConfig: true,
      accessPropertiesByDotNotation: false,
    });
  }

  get path(): string {
    return this.conf.path;
  }

  read(): Settings {
    return settingsFrom(this.conf.store);
  }

  update(patch: Partial<Settings>): Settings {
    const valid = validPatch(patch);
    const next = { ...this.read(), ...valid };
    // Only the known keys are written: whatever else a hand-edited file held is dropped.
    this.conf.store = { ...next };
    return next;
  }
}

/** Settings kept in memory: for the web host's throwaway profile and for tests. */
export class MemorySettingsStore implements SettingsStore {
  private settings: Settings;

  constructor(initial: Partial<Settings> = {}) {
    this.settings = { ...defaultSettings, ...validPatch(initial) };
  }

  read(): Settings {
    return { ...this.settings };
  }

  update(patch: Partial<Settings>): Settings {
    this.settings = { ...this.settings, ...validPatch(patch) };
    return this.read();
  }
}
