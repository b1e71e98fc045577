import {
  clipboardClearSeconds,
  minBackupPasswordLength,
  type AddReport,
  type authenticatorChannels,
  type AuthenticatorState,
} from '../../../common/contract/ipc-authenticator';
import type { IpcEvent, IpcEventPayload } from '../../../common/contract/ipc';
import { type IpcHandler, type IpcHandlers } from '../ipc-router';
import { DesktopError } from '../desktop-error';
import type { SecretStore } from '../secret-store';
import { accountOf } from './account';
import {
  accountFromManual,
  accountsFromQr,
  accountsFromText,
  addReportOf,
  cancelledReport,
  codesKey,
  withoutDuplicates,
} from './adding';
import { capabilitiesOf, type AuthenticatorPlatform } from './capabilities';
import { CodeClock, realTimers, type Timers } from './code-clock';
import { AuthenticatorCodes, toCodeView } from './codes';
import { PendingEnrollments } from './enrollment';
import { exportEncryptedBackup } from './exporters/encrypted-backup';
import { exportOtpauthList } from './exporters/otpauth-list';
import { importAny } from './importers/detect';
import type { ImportResult } from './importers/import-result';
import { AuthenticatorLock } from './lock';
import { bytesFromBase64, findQrText, readQrFromFile } from './qr';
import { AuthenticatorVault } from './vault';

export type AuthenticatorChannel = keyof typeof authenticatorChannels;
/** factors.useThisComputer is the one channel that needs the account side: it is added in attach(). */
type LocalChannel = Exclude<AuthenticatorChannel, 'factors.useThisComputer'>;
type LocalHandlers = { [C in LocalChannel]: IpcHandler<C> };
/** The handlers of every other channel: the account side of the app (desktop-services.ts). */
export type AccountHandlers = Omit<IpcHandlers, AuthenticatorChannel>;

export interface LocalAuthenticatorOptions {
  /** The app's data folder; without one (a host that keeps no files) every channel is unavailable. */
  dataDir: string | undefined;
  secrets: SecretStore;
  onEvent: <E extends IpcEvent>(event: E, payload: IpcEventPayload<E>) => void;
  platform?: AuthenticatorPlatform;
  now?: () => number;
  timers?: Timers;
}

export interface LocalAuthenticator {
  /** The account handlers plus the authenticator's, with the WEM enrollment remembered on the way. */
  attach(account: AccountHandlers): IpcHandlers;
  /** Resolves once every push of codes that was started has been sent (tests, orderly shutdown). */
  flush(): Promise<void>;
  dispose(): void;
}

/** Failures after which the server may still have done it: keep what was added, so nothing is lost. */
const uncertain = ['offline', 'server_error', 'service_unavailable', 'internal_error'];

/**
 * The local authenticator behind the IPC contract: the vault, its codes, the lock, imports and
 * exports, QR codes from images and screens, and the WEM account's own enrollment. Every reply and
 * event goes through the contract's schemas, which name no secret field (docs/security.md 22). One timer
 * drives the `authenticatorCodes` event: it wakes at the next period boundary of any entry or when
 * the idle lock falls due, whichever is first.
 */
export function createLocalAuthenticator(options: LocalAuthenticatorOptions): LocalAuthenticator {
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const platform = options.platform ?? {};
  const capabilities = capabilitiesOf(platform);
  const enrollments = new PendingEnrollments(now);
  const parts = options.dataDir
    ? (() => {
        const vault = new AuthenticatorVault({ dataDir: options.dataDir, secrets: options.secrets });
        const lock = new AuthenticatorLock({ dataDir: options.dataDir, now });
        const push = (payload: IpcEventPayload<'authenticatorCodes'>) =>
          options.onEvent('authenticatorCodes', payload);
        return {
          vault,
          lock,
          codes: new AuthenticatorCodes(vault, now),
          clock: new CodeClock({ vault, lock, now, timers, push }),
        };
      })()
    : undefined;
  /** Clipboard clearings not due yet: run early when the app quits, so no code outlives it there. */
  const clearings = new Map<() => void, () => void>();

  function need() {
    if (!parts) throw new DesktopError('capability_unavailable');
    return parts;
  }

  function refresh(): Promise<void> {
    return parts ? parts.clock.refresh() : Promise.resolve();
  }

  async function state(): Promise<AuthenticatorState> {
    const { lock, codes } = need();
    const current = await lock.state();
    const common = {
      lock: { hasPassword: current.hasPassword, idleMinutes: current.idleMinutes },
      capabilities,
    };
    return current.locked
      ? { locked: true, ...common }
      : { locked: false, ...common, entries: await codes.views() };
  }

  /** Activity: refuses while locked (locking first if the idle time ran out), else restarts the idle time. */
  async function unlocked() {
    const found = need();
    if (await found.clock.enforceIdle()) void refresh();
    if ((await found.lock.state()).locked) throw new DesktopError('authenticator_locked');
    found.lock.touch();
    return found;
  }

  async function add(result: ImportResult): Promise<AddReport> {
    const { vault } = need();
    const { fresh, duplicates } = withoutDuplicates(await vault.list(), result.entries);
    const added = fresh.length > 0 ? await vault.addMany(fresh) : [];
    void refresh();
    return addReportOf(added, duplicates, result);
  }

  function available<T>(capability: T | undefined): T {
    if (capability === undefined) throw new DesktopError('capability_unavailable');
    return capability;
  }

  async function afterChange(): Promise<AuthenticatorState> {
    void refresh();
    return state();
  }

  function fileDate(): string {
    return new Date(now()).toISOString().slice(0, 10);
  }

  const handlers: LocalHandlers = {
    'authenticator.list': async () => {
      const { clock, lock } = need();
      // The first call starts the clock; later ones find it running (or push "locked").
      if ((await clock.enforceIdle()) || !clock.running) void refresh();
      if (!(await lock.state()).locked) lock.touch();
      return state();
    },
    'authenticator.addUri': async ({ uri }) => {
      await unlocked();
      return add(accountsFromText(uri));
    },
    'authenticator.addManual': async (input) => {
      await unlocked();
      return add(accountFromManual(input));
    },
    'authenticator.addFromImage': async ({ image }) => {
      await unlocked();
      return add(accountsFromQr(readQrFromFile(bytesFromBase64(image))));
    },
    'authenticator.scanScreen': async () => {
      await unlocked();
      const screens = await available(platform.captureScreens)();
      for (const screen of screens) {
        const text = findQrText(screen);
        if (text !== undefined) return add(accountsFromQr(text));
      }
      throw new DesktopError('no_qr_code');
    },
    'authenticator.pickImage': async () => {
      await unlocked();
      const bytes = await available(platform.pickImage)();
      if (bytes === undefined) return cancelledReport;
      return add(accountsFromQr(readQrFromFile(bytes)));
    },
    'authenticator.readClipboardImage': async () => {
      await unlocked();
      const image = await available(platform.readClipboardImage)();
      if (image === undefined) throw new DesktopError('no_clipboard_image');
      return add(accountsFromQr(readQrFromFile(image)));
    },
    'authenticator.rename': async ({ id, issuer, label }) => {
      const { vault } = await unlocked();
      await vault.rename(id, { issuer, label });
      return afterChange();
    },
    'authenticator.reorder': async ({ ids }) => {
      const { vault } = await unlocked();
      await vault.reorder(ids);
      return afterChange();
    },
    'authenticator.delete': async ({ id }) => {
      const { vault } = await unlocked();
      await vault.delete(id);
      return afterChange();
    },
    'authenticator.nextHotpCode': async ({ id }) => {
      const { codes } = await unlocked();
      const view = await codes.nextHotpCode(id);
      void refresh();
      return view;
    },
    'authenticator.copy': async ({ id }) => {
      const { vault } = await unlocked();
      const clipboard = available(platform.clipboard);
      const { code } = toCodeView(await vault.get(id), now());
      await clipboard.writeText(code);
      // Cleared only if it still holds this code: whatever the user copied since stays.
      const clear = () => {
        clearings.delete(clear);
        void (async () => {
          if ((await clipboard.readText()) === code) await clipboard.writeText('');
        })().catch(() => undefined);
      };
      clearings.set(clear, timers.set(clear, clipboardClearSeconds * 1000));
      return { clearAfterSeconds: clipboardClearSeconds };
    },
    'authenticator.import': async ({ content, encoding, password }) => {
      await unlocked();
      return add(await importAny(encoding === 'base64' ? Buffer.from(content, 'base64') : content, password));
    },
    'authenticator.exportBackup': async ({ password }) => {
      const { vault } = await unlocked();
      if ([...password.normalize('NFC')].length < minBackupPasswordLength)
        throw new DesktopError('validation_failed', { fields: { password: 'too_short' } });
      // Like the URI list, the backup only ever goes to a file main writes, never back to the page.
      const saveFile = available(platform.saveFile);
      const content = await exportEncryptedBackup((await vault.list()).map(accountOf), password);
      const fileName = `wem-authenticator-${fileDate()}.wemauth`;
      return { fileName, saved: await saveFile(fileName, content) };
    },
    'authenticator.exportUriList': async ({ acknowledgeUnencrypted }) => {
      const { vault } = await unlocked();
      // The list holds every secret in clear: main writes it to a file and never returns it.
      const saveFile = available(platform.saveFile);
      if (!acknowledgeUnencrypted)
        throw new DesktopError('validation_failed', { fields: { acknowledgeUnencrypted: 'must_accept' } });
      const fileName = `wem-authenticator-${fileDate()}.txt`;
      return {
        fileName,
        saved: await saveFile(fileName, exportOtpauthList((await vault.list()).map(accountOf))),
      };
    },
    'authenticator.lock': async () => {
      await need().lock.lock();
      return afterChange();
    },
    'authenticator.unlock': async ({ password }) => {
      await need().lock.unlock(password);
      return afterChange();
    },
    'authenticator.setPassword': async ({ current, password }) => {
      const { lock } = await unlocked();
      await lock.setPassword(current, password);
      return state();
    },
    'authenticator.setIdleMinutes': async ({ minutes }) => {
      const { lock } = await unlocked();
      await lock.setIdleMinutes(minutes);
      return afterChange();
    },
  };

  /**
   * Adds the pending factor's entry, then verifies the factor with its current code. A refused
   * verification takes the new entry out again; one that may have reached the server keeps it, so a
   * factor the server activated always has its codes here.
   */
  async function useThisComputer<T>(factorId: string, verify: (code: string) => Promise<T>): Promise<T> {
    const { vault } = need();
    const account = enrollments.get(factorId);
    const existing = (await vault.list()).find((entry) => codesKey(entry) === codesKey(account));
    const entry = existing ?? (await vault.add(account));
    const { code } = toCodeView(entry, now());
    try {
      const answer = await verify(code);
      enrollments.forget(factorId);
      return answer;
    } catch (error) {
      const refused = error instanceof DesktopError && !uncertain.includes(error.code);
      if (!existing && refused) await vault.delete(entry.id).catch(() => undefined);
      throw error;
    } finally {
      void refresh();
    }
  }

  return {
    attach(account) {
      return {
        ...account,
        ...handlers,
        'factors.add': async (request) => {
          const answer = await account['factors.add'](request);
          if ('otpauthUri' in answer) enrollments.remember(answer.factor.id, answer.otpauthUri);
          return answer;
        },
        'factors.verify': async (request) => {
          const answer = await account['factors.verify'](request);
          enrollments.forget(request.factorId);
          return answer;
        },
        'session.logout': async (request) => {
          enrollments.clear();
          return account['session.logout'](request);
        },
        'factors.useThisComputer': ({ factorId }) =>
          useThisComputer(factorId, (code) => account['factors.verify']({ factorId, code })),
      };
    },
    async flush() {
      await parts?.clock.flush();
    },
    dispose() {
      parts?.clock.dispose();
      enrollments.clear();
      for (const [clear, cancel] of clearings) {
        cancel();
        clear();
      }
    },
  };
}
