import { randomBytes as nodeRandomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { idleMinutesRange, minLockPasswordLength } from '../../../common/contract/ipc-authenticator';
import { DesktopError } from '../desktop-error';
import { writeFileAtomically } from './atomic-file';

export const lockFileName = 'authenticator-lock.json';

/** Wrong passwords allowed before each further one makes the user wait (30 s, doubling to 15 min). */
export const freeUnlockAttempts = 5;
const firstWaitSeconds = 30;
const longestWaitSeconds = 15 * 60;
/** 32 MiB and ~0.1 s: slow for a guesser with the file, quick for the user. */
const passwordScrypt = { N: 2 ** 15, r: 8, p: 1 } as const;

interface PasswordHash {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

interface LockSettings {
  idleMinutes: number;
  password: PasswordHash | null;
}

export interface LockState {
  locked: boolean;
  hasPassword: boolean;
  idleMinutes: number;
}

export interface AuthenticatorLockOptions {
  dataDir: string;
  now: () => number;
  randomBytes?: (count: number) => Buffer;
}

/**
 * The authenticator's screen lock: it locks after `idleMinutes` without authenticator activity and on
 * request; unlocking takes the app password where the user set one (a scrypt hash in a file beside
 * the vault, checked here in main), otherwise a click. Wrong passwords are throttled. It hides the
 * codes from whoever sits at an unattended computer; it does not encrypt the vault (its key is in
 * the OS keychain, which the OS session already unlocks).
 */
export class AuthenticatorLock {
  private readonly file: string;
  private readonly randomBytes: (count: number) => Buffer;
  private settings: LockSettings | undefined;
  private locked = false;
  private lastActivity: number;
  private failures = 0;
  private blockedUntil = 0;

  constructor(private readonly options: AuthenticatorLockOptions) {
    this.file = path.join(options.dataDir, lockFileName);
    this.randomBytes = options.randomBytes ?? nodeRandomBytes;
    this.lastActivity = options.now();
  }

  /** The lock as the app starts: locked when a password is set, so a restart does not open it. */
  async state(): Promise<LockState> {
    const settings = await this.load();
    return {
      locked: this.locked,
      hasPassword: settings.password !== null,
      idleMinutes: settings.idleMinutes,
    };
  }

  /** The user did something with the authenticator: the idle time starts again. */
  touch(): void {
    this.lastActivity = this.options.now();
  }

  /** When it locks itself if nothing happens before; undefined while locked. */
  async idleDeadline(): Promise<number | undefined> {
    const { idleMinutes } = await this.load();
    return this.locked ? undefined : this.lastActivity + idleMinutes * 60_000;
  }

  async lock(): Promise<void> {
    await this.load();
    this.locked = true;
  }

  async unlock(password: string | undefined): Promise<void> {
    const settings = await this.load();
    if (!this.locked) return;
    if (settings.password) await this.checkPassword(settings.password, password);
    this.locked = false;
    this.touch();
  }

  /** Set, change or (null) remove the password; changing or removing one needs the current one. */
  async setPassword(current: string | undefined, password: string | null): Promise<void> {
    const settings = await this.load();
    if (this.locked) throw new DesktopError('authenticator_locked');
    if (settings.password) {
      if (!current) throw new DesktopError('validation_failed', { fields: { current: 'required' } });
      await this.checkPassword(settings.password, current);
    }
    if (password !== null && [...password.normalize('NFC')].length < minLockPasswordLength)
      throw new DesktopError('validation_failed', { fields: { password: 'too_short' } });
    await this.save({ ...settings, password: password === null ? null : await this.hash(password) });
  }

  async setIdleMinutes(minutes: number): Promise<void> {
    const settings = await this.load();
    if (this.locked) throw new DesktopError('authenticator_locked');
    await this.save({ ...settings, idleMinutes: minutes });
  }

  private async checkPassword(stored: PasswordHash, password: string | undefined): Promise<void> {
    const now = this.options.now();
    if (now < this.blockedUntil)
      throw new DesktopError('rate_limited', {
        retryAfterSeconds: Math.ceil((this.blockedUntil - now) / 1000),
      });
    if (!password) throw new DesktopError('validation_failed', { fields: { password: 'required' } });
    const expected = Buffer.from(stored.hash, 'base64');
    const actual = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) {
      this.failures = 0;
      this.blockedUntil = 0;
      return;
    }
    this.failures += 1;
    const over = this.failures - freeUnlockAttempts;
    if (over >= 0) {
      const wait = Math.min(firstWaitSeconds * 2 ** over, longestWaitSeconds);
      this.blockedUntil = this.options.now() + wait * 1000;
      throw new DesktopError('wrong_lock_password', { retryAfterSeconds: wait });
    }
    throw new DesktopError('wrong_lock_password', { attemptsLeft: freeUnlockAttempts - this.failures });
  }

  private async hash(password: string): Promise<PasswordHash> {
    const salt = this.randomBytes(16);
    const hash = await derive(password, salt, passwordScrypt);
    return { kdf: 'scrypt', ...passwordScrypt, salt: salt.toString('base64'), hash: hash.toString('base64') };
  }

  private async load(): Promise<LockSettings> {
    if (this.settings) return this.settings;
    let text: string | undefined;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const settings = text === undefined ? defaults() : parseSettings(text);
    this.settings = settings;
    this.locked = settings.password !== null;
    return settings;
  }

  private async save(settings: LockSettings): Promise<void> {
    await writeFileAtomically(this.file, JSON.stringify({ version: 1, ...settings }), this.randomBytes);
    this.settings = settings;
  }
}

function defaults(): LockSettings {
  return { idleMinutes: idleMinutesRange.default, password: null };
}

/**
 * A damaged lock file falls back to the defaults, part by part (no password: a click unlocks). Losing
 * the lock must not lose the codes, and whoever can change this file can read the keychain anyway.
 */
function parseSettings(text: string): LockSettings {
  try {
    const value = JSON.parse(text) as Partial<LockSettings>;
    const minutes = value.idleMinutes;
    const idleMinutes =
      typeof minutes === 'number' &&
      Number.isInteger(minutes) &&
      minutes >= idleMinutesRange.min &&
      minutes <= idleMinutesRange.max
        ? minutes
        : idleMinutesRange.default;
    const p = value.password;
    const password =
      p &&
      p.kdf === 'scrypt' &&
      [p.N, p.r, p.p].every((n) => Number.isInteger(n) && n > 0) &&
      p.N <= 2 ** 20 &&
      p.r <= 32 &&
      p.p <= 16 &&
      typeof p.salt === 'string' &&
      typeof p.hash === 'string'
        ? p
        : null;
    return { idleMinutes, password };
  } catch {
    return defaults();
  }
}

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      Buffer.from(password.normalize('NFC'), 'utf8'),
      salt,
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}
