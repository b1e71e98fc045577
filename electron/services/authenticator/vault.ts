import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DesktopError } from '../desktop-error';
import type { SecretStore } from '../secret-store';
import {
  accountOf,
  otpTypes,
  toOtpAccount,
  type AuthenticatorEntry,
  type OtpAccount,
  type OtpType,
} from './account';
import { writeFileAtomically } from './atomic-file';

/** The keychain entry holding the vault's 256-bit key (base64), as the user sees it in their keychain. */
export const vaultKeyService = 'WEM Account authenticator';
export const vaultKeyAccount = 'vault-key';
export const vaultFileName = 'authenticator-vault.json';

const format = 'wem-authenticator-vault';
const version = 1;
/** Bound to the ciphertext as GCM associated data, so a file of another format or version never decrypts. */
const associatedData = Buffer.from(`${format}/${version}`);

/**
 * A stored entry that does not pass today's checks (written by an older version, or damaged): kept
 * as it was stored (`stored`), so that no write loses it, and shown with its problem; it can be
 * reordered and deleted, nothing else.
 */
export interface ProblemEntry {
  id: string;
  order: number;
  issuer: string;
  label: string;
  type: OtpType;
  problem: string;
  stored: unknown;
}
type StoredEntry = AuthenticatorEntry | ProblemEntry;

const isSound = (entry: StoredEntry): entry is AuthenticatorEntry => !('problem' in entry);

export interface AuthenticatorVaultOptions {
  /** The app's data folder (Electron's userData); the vault is one file in it. */
  dataDir: string;
  secrets: SecretStore;
  randomBytes?: (count: number) => Buffer;
  newId?: () => string;
}

/**
 * The local authenticator's accounts, encrypted with AES-256-GCM in one file; the key lives in the OS
 * keychain and is created on first write. Every change writes a temp file, fsyncs it and renames it
 * over the vault, so a crash leaves the old vault or the new one, never half of one. A missing or
 * locked keychain, a damaged file or a missing key is a DesktopError and nothing is written. The
 * entries returned here hold secrets: main only; the renderer sees CodeViews (codes.ts).
 */
export class AuthenticatorVault {
  private readonly file: string;
  private readonly randomBytes: (count: number) => Buffer;
  private readonly newId: () => string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: AuthenticatorVaultOptions) {
    this.file = path.join(options.dataDir, vaultFileName);
    this.randomBytes = options.randomBytes ?? nodeRandomBytes;
    this.newId = options.newId ?? (() => randomUUID());
  }

  /** The entries that make codes, in the user's order. An absent vault is empty and needs no keychain. */
  list(): Promise<AuthenticatorEntry[]> {
    return this.serialised(async () => ((await this.load())?.entries ?? []).filter(isSound));
  }

  /** Every stored entry in the user's order, those with a problem included (for the code list). */
  listForView(): Promise<(AuthenticatorEntry | ProblemEntry)[]> {
    return this.serialised(async () => (await this.load())?.entries ?? []);
  }

  async get(id: string): Promise<AuthenticatorEntry> {
    const entry = (await this.list()).find((item) => item.id === id);
    if (!entry) throw new DesktopError('not_found');
    return entry;
  }

  async add(account: OtpAccount): Promise<AuthenticatorEntry> {
    const [entry] = await this.addMany([account]);
    return entry as AuthenticatorEntry;
  }

  /** Adds all or none, in one write (an import). Each account is validated again here. */
  async addMany(accounts: OtpAccount[]): Promise<AuthenticatorEntry[]> {
    const checked = accounts.map((account) => toOtpAccount(account));
    return this.change((entries) => {
      const added = checked.map((account, index) => ({
        ...account,
        id: this.newId(),
        order: entries.length + index,
      }));
      return { entries: [...entries, ...added], result: added };
    });
  }

  rename(id: string, names: { issuer?: string; label?: string }): Promise<AuthenticatorEntry> {
    return this.change((entries) => {
      const entry = sound(find(entries, id));
      const renamed = {
        ...toOtpAccount({
          ...entry,
          issuer: names.issuer ?? entry.issuer,
          label: names.label ?? entry.label,
        }),
        id,
        order: entry.order,
      };
      return { entries: entries.map((item) => (item.id === id ? renamed : item)), result: renamed };
    });
  }

  /** `ids` must name every entry exactly once, in the new order. */
  reorder(ids: string[]): Promise<StoredEntry[]> {
    return this.change((entries) => {
      const known = new Set(entries.map((entry) => entry.id));
      if (ids.length !== known.size || new Set(ids).size !== ids.length || !ids.every((id) => known.has(id)))
        throw new DesktopError('validation_failed', { fields: { ids: 'List every entry exactly once.' } });
      const reordered = ids.map((id, order) => ({ ...find(entries, id), order }));
      return { entries: reordered, result: reordered };
    });
  }

  delete(id: string): Promise<void> {
    return this.change((entries) => {
      find(entries, id);
      const kept = entries.filter((entry) => entry.id !== id).map((entry, order) => ({ ...entry, order }));
      return { entries: kept, result: undefined };
    });
  }

  /** HOTP only: moves the counter one step on, when the user asks for the next code. */
  incrementCounter(id: string): Promise<AuthenticatorEntry> {
    return this.change((entries) => {
      const entry = sound(find(entries, id));
      if (entry.type !== 'hotp')
        throw new DesktopError('validation_failed', { fields: { id: 'Only HOTP entries have a counter.' } });
      const next = { ...entry, counter: entry.counter + 1 };
      return { entries: entries.map((item) => (item.id === id ? next : item)), result: next };
    });
  }

  private change<T>(apply: (entries: StoredEntry[]) => { entries: StoredEntry[]; result: T }) {
    return this.serialised(async () => {
      const loaded = await this.load();
      const key = loaded?.key ?? (await this.keyForNewVault());
      const { entries, result } = apply(loaded?.entries ?? []);
      await this.write(key, entries);
      return result;
    });
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<{ key: Buffer; entries: StoredEntry[] } | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const envelope = parseEnvelope(text);
    const stored = await this.options.secrets.get(vaultKeyService, vaultKeyAccount);
    if (stored === undefined) throw new DesktopError('vault_key_missing');
    const key = Buffer.from(stored, 'base64');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, envelope.nonce);
      decipher.setAAD(associatedData);
      decipher.setAuthTag(envelope.tag);
      plain = Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
    } catch {
      throw new DesktopError('vault_damaged');
    }
    return { key, entries: parseEntries(plain) };
  }

  /** The key of a vault that does not exist yet: the one in the keychain (a first write that crashed) or a new one. */
  private async keyForNewVault(): Promise<Buffer> {
    const stored = await this.options.secrets.get(vaultKeyService, vaultKeyAccount);
    if (stored !== undefined) return Buffer.from(stored, 'base64');
    const key = this.randomBytes(32);
    await this.options.secrets.set(vaultKeyService, vaultKeyAccount, key.toString('base64'));
    return key;
  }

  private async write(key: Buffer, entries: StoredEntry[]): Promise<void> {
    const nonce = this.randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(associatedData);
    const stored = entries.map((entry) =>
      isSound(entry) ? entry : { ...record(entry.stored), id: entry.id, order: entry.order },
    );
    const plain = Buffer.from(JSON.stringify({ entries: stored }));
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    const envelope = {
      format,
      version,
      nonce: nonce.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
    await writeFileAtomically(this.file, JSON.stringify(envelope), this.randomBytes);
  }
}

function find(entries: StoredEntry[], id: string): StoredEntry {
  const entry = entries.find((item) => item.id === id);
  if (!entry) throw new DesktopError('not_found');
  return entry;
}

function sound(entry: StoredEntry): AuthenticatorEntry {
  if (!isSound(entry))
    throw new DesktopError('validation_failed', { fields: { id: 'This entry has a problem; delete it.' } });
  return entry;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function parseEnvelope(text: string): { nonce: Buffer; tag: Buffer; ciphertext: Buffer } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) {
      const { format: f, version: v, nonce, tag, ciphertext } = value as Record<string, unknown>;
      if (f === format && v === version && [nonce, tag, ciphertext].every((item) => typeof item === 'string'))
        return {
          nonce: Buffer.from(nonce as string, 'base64'),
          tag: Buffer.from(tag as string, 'base64'),
          ciphertext: Buffer.from(ciphertext as string, 'base64'),
        };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new DesktopError('vault_damaged');
}

/**
 * The decrypted entries. The file as a whole must be sound (GCM says so); one entry that fails
 * today's checks becomes a ProblemEntry instead of making the whole vault unreadable (issue 17).
 */
function parseEntries(plain: Buffer): StoredEntry[] {
  let entries: unknown;
  try {
    entries = (JSON.parse(plain.toString('utf8')) as { entries?: unknown }).entries;
  } catch {
    throw new DesktopError('vault_damaged');
  }
  if (!Array.isArray(entries)) throw new DesktopError('vault_damaged');
  return entries
    .map((item: unknown, index): StoredEntry => {
      const stored = record(item);
      const id = typeof stored.id === 'string' && stored.id !== '' ? stored.id : `problem-${index + 1}`;
      const order = Number.isSafeInteger(stored.order) ? (stored.order as number) : index;
      try {
        return { ...accountOf(toOtpAccount(stored as never)), id, order };
      } catch (error) {
        const type = otpTypes.find((known) => known === stored.type) ?? 'totp';
        return {
          id,
          order,
          issuer: typeof stored.issuer === 'string' ? stored.issuer.slice(0, 200) : '',
          label: typeof stored.label === 'string' ? stored.label.slice(0, 200) : '',
          type,
          problem:
            error instanceof DesktopError ? (error.details.reasons?.[0] ?? error.code) : 'damaged_entry',
          stored: item,
        };
      }
    })
    .sort((a, b) => a.order - b.order);
}
