import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { ipcEvents, type IpcEvent, type IpcEventPayload } from '../../common/contract/ipc';

type Codes = IpcEventPayload<'authenticatorCodes'>;

/** What the tray's items do; main wires them to the router and the window. */
export interface TrayActions {
  /** Through authenticator.copy: main puts the code on the clipboard and clears it after 30 s. */
  copy(id: string): void;
  open(): void;
  lock(): void;
  quit(): void;
}

export type TrayLanguage = 'en' | 'nl';

/** Main has no i18next: the tray's few words, in the app's two languages. */
const words = {
  en: {
    starting: 'Authenticator: open the app to see your codes',
    locked: 'Authenticator locked',
    empty: 'No authenticator accounts yet',
    open: 'Open WEM Account',
    lock: 'Lock authenticator',
    quit: 'Quit',
    problem: 'has a problem: open the app',
  },
  nl: {
    starting: 'Authenticator: open de app om je codes te zien',
    locked: 'Authenticator vergrendeld',
    empty: 'Nog geen authenticator-accounts',
    open: 'WEM Account openen',
    lock: 'Authenticator vergrendelen',
    quit: 'Afsluiten',
    problem: 'heeft een probleem: open de app',
  },
} as const;

/** The settings' language ("system" follows the OS locale), as the tray speaks it. */
export function trayLanguage(setting: 'system' | 'en' | 'nl', locale: string): TrayLanguage {
  if (setting !== 'system') return setting;
  return locale.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

function grouped(code: string): string {
  const cut = code.length === 8 ? 4 : 3;
  return /^\d{6,8}$/.test(code) ? `${code.slice(0, cut)} ${code.slice(cut)}` : code;
}

/**
 * The tray menu for the codes as main last pushed them: one item per account ("GitHub (jane)
 * 123 456", a click copies it), then open, lock and quit. Locked, it names no account at all.
 */
export function trayMenuTemplate(
  codes: Codes | undefined,
  actions: TrayActions,
  language: TrayLanguage,
): MenuItemConstructorOptions[] {
  const say = words[language];
  const accounts: MenuItemConstructorOptions[] =
    codes === undefined
      ? [{ label: say.starting, enabled: false }]
      : codes.locked
        ? [{ label: say.locked, enabled: false }]
        : codes.entries.length === 0
          ? [{ label: say.empty, enabled: false }]
          : codes.entries.map((entry) => {
              const name =
                entry.issuer && entry.label
                  ? `${entry.issuer} (${entry.label})`
                  : entry.issuer || entry.label;
              // An entry that makes no codes is named, not hidden, and has nothing to copy.
              if (entry.problem !== null) return { label: `${name}   ⚠ ${say.problem}`, enabled: false };
              return { label: `${name}   ${grouped(entry.code)}`, click: () => actions.copy(entry.id) };
            });
  return [
    ...accounts,
    { type: 'separator' },
    { label: say.open, click: () => actions.open() },
    { label: say.lock, enabled: codes !== undefined && !codes.locked, click: () => actions.lock() },
    { type: 'separator' },
    { label: say.quit, click: () => actions.quit() },
  ];
}

export interface AuthenticatorTrayOptions {
  iconPath: string;
  actions: TrayActions;
  language: () => TrayLanguage;
}

/** The tray icon; its menu is rebuilt whenever main pushes codes (each period, each change, locking). */
export class AuthenticatorTray {
  private readonly tray: Tray;
  private codes: Codes | undefined;

  constructor(private readonly options: AuthenticatorTrayOptions) {
    this.tray = new Tray(nativeImage.createFromPath(options.iconPath));
    this.tray.setToolTip('WEM Account');
    // Windows and macOS open the menu on right click; a left click opens the window.
    this.tray.on('click', () => options.actions.open());
    this.render();
  }

  /** Every event main sends the page; the tray keeps the codes (checked against the contract). */
  onEvent<E extends IpcEvent>(event: E, payload: IpcEventPayload<E>): void {
    if (event !== 'authenticatorCodes') return;
    this.codes = ipcEvents.authenticatorCodes.parse(payload);
    this.render();
  }

  destroy(): void {
    this.tray.destroy();
  }

  private render(): void {
    const template = trayMenuTemplate(this.codes, this.options.actions, this.options.language());
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }
}
