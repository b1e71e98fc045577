import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createGuardrails, generate } from 'otplib';
import { expect } from 'vitest';
import { authenticatorChannels } from '../../common/contract/ipc-authenticator';
import {
  ipcChannelNames,
  type IpcChannel,
  type IpcEvent,
  type IpcEventPayload,
  type IpcResponse,
  type IpcResult,
} from '../../common/contract/ipc';
import type { AuthenticatorPlatform } from '../../electron/services/authenticator/capabilities';
import type { Timers } from '../../electron/services/authenticator/code-clock';
import type { AccountHandlers } from '../../electron/services/authenticator/handlers';
import { LocalAuthenticator } from '../../electron/services/authenticator/local-authenticator';
import { vaultFileName, vaultKeyAccount, vaultKeyService } from '../../electron/services/authenticator/vault';
import { DesktopError } from '../../electron/services/desktop-error';
import { withAuthenticator } from '../../electron/services/desktop-services';
import { IpcRouter } from '../../electron/services/ipc-router';
import { MemorySecretStore, stringsIn } from './desktop';

/** A clock and timers that move only when the test says so: `advance(ms)` fires what fell due, in order. */
export class ManualTime implements Timers {
  nowMs: number;
  private pending: { at: number; callback: () => void; seq: number }[] = [];
  private seq = 0;
  /** Awaited after each timer fires: the work it started (file reads, events) finishes first. */
  settleWith: () => Promise<void> = settle;

  constructor(start: number) {
    this.nowMs = start;
  }

  readonly now = (): number => this.nowMs;

  set(callback: () => void, delayMs: number): () => void {
    const timer = { at: this.nowMs + Math.max(0, delayMs), callback, seq: this.seq++ };
    this.pending.push(timer);
    return () => {
      this.pending = this.pending.filter((item) => item !== timer);
    };
  }

  /** How many timers are waiting (the codes ticker keeps exactly one). */
  get waiting(): number {
    return this.pending.length;
  }

  /** Moves the clock on, firing each timer at its own time, and lets the async work it starts settle. */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    for (;;) {
      const next = [...this.pending].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next || next.at > end) break;
      this.pending = this.pending.filter((item) => item !== next);
      this.nowMs = next.at;
      next.callback();
      await this.settleWith();
    }
    this.nowMs = end;
    await this.settleWith();
  }
}

/** Lets promise chains that need no I/O finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** A system clipboard in memory, for main's copy-and-clear. */
export class MemoryClipboard {
  text = '';
  async writeText(text: string): Promise<void> {
    this.text = text;
  }
  async readText(): Promise<string> {
    return this.text;
  }
}

/** Every way a secret could be spelled in a reply: the Base32 itself and its raw bytes in hex and base64. */
export function secretSpellings(base32Secrets: Iterable<string>): string[] {
  const spellings: string[] = [];
  for (const secret of base32Secrets) {
    const bytes = fromBase32(secret);
    spellings.push(
      secret,
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64url'),
    );
  }
  return spellings;
}

/** Any otpauth or otpauth-migration URI, whatever its type: each one carries a secret. */
const anyUri = /otpauth(-migration)?:\/\/[a-z]/i;

/** Fails naming the reply when any string inside it holds one of the spellings or an otpauth URI. */
export function expectNoSecret(value: unknown, spellings: readonly string[], where: string): void {
  const leaks = stringsIn(value).filter(
    (text) => anyUri.test(text) || spellings.some((secret) => text.includes(secret)),
  );
  expect(leaks, `${where} carries a secret`).toEqual([]);
}

export function fromBase32(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/=+$/, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

type Event = { [E in IpcEvent]: { event: E; payload: IpcEventPayload<E> } }[IpcEvent];

/** Account channels that answer like a server that is down: the authenticator must not need them. */
export function accountDown(overrides: Partial<AccountHandlers> = {}): AccountHandlers {
  const local = new Set<string>(Object.keys(authenticatorChannels));
  const handlers = Object.fromEntries(
    ipcChannelNames
      .filter((channel) => !local.has(channel))
      .map((channel) => [
        channel,
        async () => {
          throw new DesktopError('offline');
        },
      ]),
  );
  return { ...(handlers as unknown as AccountHandlers), ...overrides };
}

export interface AuthenticatorRig {
  router: IpcRouter;
  authenticator: LocalAuthenticator;
  time: ManualTime;
  secrets: MemorySecretStore;
  events: Event[];
  replies: { channel: string; reply: IpcResult<unknown> }[];
  /** Sends a call; the reply (and every event so far) is checked for `spellings` before it is returned. */
  send(channel: IpcChannel, payload?: unknown): Promise<IpcResult<unknown>>;
  value<C extends IpcChannel>(channel: C, payload?: unknown): Promise<IpcResponse<C>>;
  errorOf(channel: IpcChannel, payload?: unknown): Promise<string>;
  lastCodes(): IpcEventPayload<'authenticatorCodes'> | undefined;
}

/** The local authenticator behind a real IpcRouter, on a temp data folder, with time in the test's hands. */
export function authenticatorRig(options: {
  dataDir: string;
  spellings: string[];
  platform?: AuthenticatorPlatform;
  start?: number;
  account?: AccountHandlers;
  secrets?: MemorySecretStore;
}): AuthenticatorRig {
  const time = new ManualTime(options.start ?? Date.UTC(2030, 0, 1, 12, 0, 10));
  const secrets = options.secrets ?? new MemorySecretStore();
  const events: Event[] = [];
  const replies: AuthenticatorRig['replies'] = [];
  const authenticator = new LocalAuthenticator({
    dataDir: options.dataDir,
    secrets,
    onEvent: (event, payload) => {
      expectNoSecret(payload, options.spellings, `event ${event}`);
      events.push({ event, payload } as Event);
    },
    ...(options.platform ? { platform: options.platform } : {}),
    now: time.now,
    timers: time,
  });
  const router = new IpcRouter(
    withAuthenticator(options.account ?? accountDown(), authenticator),
    (error) => {
      throw error;
    },
  );
  time.settleWith = async () => {
    await settle();
    await authenticator.flush();
  };
  const send = async (channel: IpcChannel, payload: unknown = {}) => {
    const reply = await router.dispatch(channel, payload);
    await time.settleWith();
    expectNoSecret(reply, options.spellings, `reply to ${channel}`);
    replies.push({ channel, reply });
    return reply;
  };
  return {
    router,
    authenticator,
    time,
    secrets,
    events,
    replies,
    send,
    async value(channel, payload) {
      const reply = await send(channel, payload);
      if (!reply.ok) throw new Error(`${channel} failed: ${JSON.stringify(reply.error)}`);
      return reply.value as never;
    },
    async errorOf(channel, payload) {
      const reply = await send(channel, payload);
      if (reply.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(reply.value)}`);
      return reply.error.code;
    },
    lastCodes() {
      const codes = events.filter((item) => item.event === 'authenticatorCodes');
      return codes.at(-1)?.payload as IpcEventPayload<'authenticatorCodes'> | undefined;
    },
  };
}

const anySecretLength = createGuardrails({ MIN_SECRET_BYTES: 1, MAX_SECRET_BYTES: 256 });

/** The code otplib itself computes for a TOTP secret at a time (epoch ms): what any other app would show. */
export function otplibCode(
  secret: string,
  nowMs: number,
  options: { period?: number; digits?: number; algorithm?: 'sha1' | 'sha256' | 'sha512' } = {},
): Promise<string> {
  return generate({
    secret,
    epoch: Math.floor(nowMs / 1000),
    period: options.period ?? 30,
    digits: options.digits ?? 6,
    algorithm: options.algorithm ?? 'sha1',
    guardrails: anySecretLength,
  });
}

/**
 * Rewrites the entries inside a vault file as an older version (or a fault) might have left them,
 * with the vault's own key: for tests of entries that today's checks would refuse.
 */
export async function rewriteVaultEntries(
  dataDir: string,
  secrets: { get(service: string, account: string): Promise<string | undefined> },
  change: (entries: Record<string, unknown>[]) => void,
): Promise<void> {
  const file = path.join(dataDir, vaultFileName);
  const key = Buffer.from((await secrets.get(vaultKeyService, vaultKeyAccount)) as string, 'base64');
  const envelope = JSON.parse(await readFile(file, 'utf8'));
  const aad = Buffer.from('wem-authenticator-vault/1');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce, 'base64'));
  decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  const plain = JSON.parse(
    Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString(),
  );
  change(plain.entries);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(plain)), cipher.final()]);
  await writeFile(
    file,
    JSON.stringify({
      ...envelope,
      nonce: nonce.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    }),
  );
}

/** Every field a code view may carry: none of them a secret (docs/security.md 22). */
export const codeViewFields = [
  'code',
  'digits',
  'id',
  'issuer',
  'label',
  'nextCode',
  'period',
  'problem',
  'secondsLeft',
  'type',
].sort();
