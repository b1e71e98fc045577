import {
  clipboardClearSeconds,
  minBackupPasswordLength,
  type AddReport,
  type AuthenticatorState,
  type CodeViewPayload,
} from '../../../common/contract/ipc-authenticator';
import type { IpcEvent, IpcEventPayload, IpcRequest, IpcResponse } from '../../../common/contract/ipc';
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

export interface LocalAuthenticatorOptions {
  /** The app's data folder; without one (a host that keeps no files) every method is unavailable. */
  dataDir: string | undefined;
  secrets: SecretStore;
  onEvent: <E extends IpcEvent>(event: E, payload: IpcEventPayload<E>) => void;
  platform?: AuthenticatorPlatform;
  now?: () => number;
  timers?: Timers;
}

type Exported = IpcResponse<'authenticator.exportBackup'>;
type FactorVerified = IpcResponse<'factors.verify'>;

/** Failures after which the server may still have done it: keep what was added, so nothing is lost. */
const uncertain = ['offline', 'server_error', 'service_unavailable', 'internal_error'];

interface Parts {
  vault: AuthenticatorVault;
  lock: AuthenticatorLock;
  codes: AuthenticatorCodes;
  clock: CodeClock;
}

/**
 * The local authenticator: the vault, its codes, the lock, imports and exports, QR codes from images
 * and screens, and the WEM account's own enrollment. The IPC channels (handlers.ts) and the tray call
 * these methods; what they return names no secret (docs/security.md 22). One timer drives the
 * `authenticatorCodes` event: it wakes at the next period boundary of any entry or when the idle lock
 * falls due, whichever is first.
 */
export class LocalAuthenticator {
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly platform: AuthenticatorPlatform;
  private readonly capabilities;
  private readonly enrollments: PendingEnrollments;
  private readonly parts: Parts | undefined;
  /** Clipboard clearings not due yet: run early when the app quits, so no code outlives it there. */
  private readonly clearings = new Map<() => void, () => void>();

  constructor(options: LocalAuthenticatorOptions) {
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.platform = options.platform ?? {};
    this.capabilities = capabilitiesOf(this.platform);
    this.enrollments = new PendingEnrollments(this.now);
    if (options.dataDir) {
      const vault = new AuthenticatorVault({ dataDir: options.dataDir, secrets: options.secrets });
      const lock = new AuthenticatorLock({ dataDir: options.dataDir, now: this.now });
      const push = (payload: IpcEventPayload<'authenticatorCodes'>) =>
        options.onEvent('authenticatorCodes', payload);
      this.parts = {
        vault,
        lock,
        codes: new AuthenticatorCodes(vault, this.now),
        clock: new CodeClock({ vault, lock, now: this.now, timers: this.timers, push }),
      };
    }
  }

  /** The state for the screen; the first call starts the clock of `authenticatorCodes` events. */
  async list(): Promise<AuthenticatorState> {
    const { clock, lock } = this.need();
    if ((await clock.enforceIdle()) || !clock.running) void this.refresh();
    if (!(await lock.state()).locked) lock.touch();
    return this.state();
  }

  async addUri(uri: string): Promise<AddReport> {
    await this.unlocked();
    return this.add(accountsFromText(uri));
  }

  async addManual(input: IpcRequest<'authenticator.addManual'>): Promise<AddReport> {
    await this.unlocked();
    return this.add(accountFromManual(input));
  }

  async addFromImage(image: string): Promise<AddReport> {
    await this.unlocked();
    return this.add(accountsFromQr(readQrFromFile(bytesFromBase64(image))));
  }

  async scanScreen(): Promise<AddReport> {
    await this.unlocked();
    const screens = await available(this.platform.captureScreens)();
    for (const screen of screens) {
      const text = findQrText(screen);
      if (text !== undefined) return this.add(accountsFromQr(text));
    }
    throw new DesktopError('no_qr_code');
  }

  async pickImage(): Promise<AddReport> {
    await this.unlocked();
    const bytes = await available(this.platform.pickImage)();
    if (bytes === undefined) return cancelledReport;
    return this.add(accountsFromQr(readQrFromFile(bytes)));
  }

  async readClipboardImage(): Promise<AddReport> {
    await this.unlocked();
    const image = await available(this.platform.readClipboardImage)();
    if (image === undefined) throw new DesktopError('no_clipboard_image');
    return this.add(accountsFromQr(readQrFromFile(image)));
  }

  async rename(id: string, names: { issuer?: string; label?: string }): Promise<AuthenticatorState> {
    const { vault } = await this.unlocked();
    await vault.rename(id, names);
    return this.afterChange();
  }

  async reorder(ids: string[]): Promise<AuthenticatorState> {
    const { vault } = await this.unlocked();
    await vault.reorder(ids);
    return this.afterChange();
  }

  async delete(id: string): Promise<AuthenticatorState> {
    const { vault } = await this.unlocked();
    await vault.delete(id);
    return this.afterChange();
  }

  async nextHotpCode(id: string): Promise<CodeViewPayload> {
    const { codes } = await this.unlocked();
    const view = await codes.nextHotpCode(id);
    void this.refresh();
    return view;
  }

  /** Puts the entry's current code on the clipboard and clears it later if it still holds that code. */
  async copy(id: string): Promise<{ clearAfterSeconds: number }> {
    const { vault } = await this.unlocked();
    const clipboard = available(this.platform.clipboard);
    const { code } = toCodeView(await vault.get(id), this.now());
    await clipboard.writeText(code);
    // Cleared only if it still holds this code: whatever the user copied since stays.
    const clear = () => {
      this.clearings.delete(clear);
      void (async () => {
        if ((await clipboard.readText()) === code) await clipboard.writeText('');
      })().catch(() => undefined);
    };
    this.clearings.set(clear, this.timers.set(clear, clipboardClearSeconds * 1000));
    return { clearAfterSeconds: clipboardClearSeconds };
  }

  async import({ content, encoding, password }: IpcRequest<'authenticator.import'>): Promise<AddReport> {
    await this.unlocked();
    return this.add(
      await importAny(encoding === 'base64' ? Buffer.from(content, 'base64') : content, password),
    );
  }

  async exportBackup(password: string): Promise<Exported> {
    const { vault } = await this.unlocked();
    if ([...password.normalize('NFC')].length < minBackupPasswordLength)
      throw new DesktopError('validation_failed', { fields: { password: 'too_short' } });
    // Like the URI list, the backup only ever goes to a file main writes, never back to the page.
    const saveFile = available(this.platform.saveFile);
    const content = await exportEncryptedBackup((await vault.list()).map(accountOf), password);
    const fileName = `wem-authenticator-${this.fileDate()}.wemauth`;
    return { fileName, saved: await saveFile(fileName, content) };
  }

  async exportUriList(acknowledgeUnencrypted: boolean): Promise<Exported> {
    const { vault } = await this.unlocked();
    // The list holds every secret in clear: main writes it to a file and never returns it.
    const saveFile = available(this.platform.saveFile);
    if (!acknowledgeUnencrypted)
      throw new DesktopError('validation_failed', { fields: { acknowledgeUnencrypted: 'must_accept' } });
    const fileName = `wem-authenticator-${this.fileDate()}.txt`;
    return {
      fileName,
      saved: await saveFile(fileName, exportOtpauthList((await vault.list()).map(accountOf))),
    };
  }

  async lock(): Promise<AuthenticatorState> {
    await this.need().lock.lock();
    return this.afterChange();
  }

  async unlock(password: string | undefined): Promise<AuthenticatorState> {
    await this.need().lock.unlock(password);
    return this.afterChange();
  }

  async setPassword(current: string | undefined, password: string | null): Promise<AuthenticatorState> {
    const { lock } = await this.unlocked();
    await lock.setPassword(current, password);
    return this.state();
  }

  async setIdleMinutes(minutes: number): Promise<AuthenticatorState> {
    const { lock } = await this.unlocked();
    await lock.setIdleMinutes(minutes);
    return this.afterChange();
  }

  /** A factors.add answer passing by: a TOTP enrollment's secret is kept for useThisComputer. */
  rememberEnrollment<T extends IpcResponse<'factors.add'>>(answer: T): T {
    if ('otpauthUri' in answer) this.enrollments.remember(answer.factor.id, answer.otpauthUri);
    return answer;
  }

  /** The factor was verified some other way (a code typed from another app): nothing left to add. */
  enrollmentVerified<T>(factorId: string, answer: T): T {
    this.enrollments.forget(factorId);
    return answer;
  }

  /** Signed out: enrollments of that session are of no use to anyone. */
  forgetEnrollments(): void {
    this.enrollments.clear();
  }

  /**
   * Adds the pending factor's entry, then verifies the factor with its current code. A refused
   * verification takes the new entry out again; one that may have reached the server keeps it, so a
   * factor the server activated always has its codes here.
   */
  async useThisComputer(
    factorId: string,
    verify: (code: string) => Promise<FactorVerified>,
  ): Promise<FactorVerified> {
    const { vault } = this.need();
    const account = this.enrollments.get(factorId);
    const existing = (await vault.list()).find((entry) => codesKey(entry) === codesKey(account));
    const entry = existing ?? (await vault.add(account));
    const { code } = toCodeView(entry, this.now());
    try {
      const answer = await verify(code);
      this.enrollments.forget(factorId);
      return answer;
    } catch (error) {
      const refused = error instanceof DesktopError && !uncertain.includes(error.code);
      if (!existing && refused) await vault.delete(entry.id).catch(() => undefined);
      throw error;
    } finally {
      void this.refresh();
    }
  }

  /** Resolves once every push of codes that was started has been sent (tests, orderly shutdown). */
  async flush(): Promise<void> {
    await this.parts?.clock.flush();
  }

  dispose(): void {
    this.parts?.clock.dispose();
    this.enrollments.clear();
    for (const [clear, cancel] of this.clearings) {
      cancel();
      clear();
    }
  }

  private need(): Parts {
    if (!this.parts) throw new DesktopError('capability_unavailable');
    return this.parts;
  }

  private refresh(): Promise<void> {
    return this.parts ? this.parts.clock.refresh() : Promise.resolve();
  }

  private async state(): Promise<AuthenticatorState> {
    const { lock, codes } = this.need();
    const current = await lock.state();
    const common = {
      lock: { hasPassword: current.hasPassword, idleMinutes: current.idleMinutes },
      capabilities: this.capabilities,
    };
    return current.locked
      ? { locked: true, ...common }
      : { locked: false, ...common, entries: await codes.views() };
  }

  /** Activity: refuses while locked (locking first if the idle time ran out), else restarts the idle time. */
  private async unlocked(): Promise<Parts> {
    const found = this.need();
    if (await found.clock.enforceIdle()) void this.refresh();
    if ((await found.lock.state()).locked) throw new DesktopError('authenticator_locked');
    found.lock.touch();
    return found;
  }

  private async add(result: ImportResult): Promise<AddReport> {
    const { vault } = this.need();
    const { fresh, duplicates } = withoutDuplicates(await vault.list(), result.entries);
    const added = fresh.length > 0 ? await vault.addMany(fresh) : [];
    void this.refresh();
    return addReportOf(added, duplicates, result);
  }

  private async afterChange(): Promise<AuthenticatorState> {
    void this.refresh();
    return this.state();
  }

  private fileDate(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }
}

function available<T>(capability: T | undefined): T {
  if (capability === undefined) throw new DesktopError('capability_unavailable');
  return capability;
}
