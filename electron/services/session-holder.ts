import type { MeResponse, SessionScope, SessionView } from '../../common/contract/http';
import type { IpcEventPayload, IpcResponse } from '../../common/contract/ipc';
import { DesktopError } from './desktop-error';

export type SessionEndReason = IpcEventPayload<'sessionEnded'>['reason'];

/** What the rest of the app may know about the session: never its token. */
export interface SessionSummary {
  email: string;
  scope: SessionScope;
  expiresAt: string;
}

/** What the session last read of the account (My details), for reading while offline. */
export interface AccountSnapshot {
  me?: MeResponse;
  devices?: IpcResponse<'devices.list'>;
  savedAt: string;
}

/**
 * The current session, in memory only (DESIGN "Data flow"): closing the app ends it. The token never
 * leaves this object except into the Authorization header of a call made through `use()`, and the
 * object redacts itself when logged or serialised.
 */
export class SessionHolder {
  #token: string | undefined;
  #summary: SessionSummary | undefined;
  #snapshot: AccountSnapshot | undefined;
  readonly #listeners = new Set<(reason: SessionEndReason) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  keep(session: SessionView, email: string): void {
    this.#token = session.token;
    this.#summary = { email, scope: session.scope, expiresAt: session.expiresAt };
    this.#snapshot = undefined;
  }

  /** Swaps in a new session for the same account (an enrollment session that became a full one). */
  replace(session: SessionView): void {
    const email = this.require().email;
    this.keep(session, email);
  }

  /** The account's address changed (a confirmed email change): the same session, a new name. */
  renamed(email: string): void {
    if (this.#summary) this.#summary = { ...this.#summary, email };
  }

  get current(): SessionSummary | undefined {
    return this.#summary ? { ...this.#summary } : undefined;
  }

  /** The signed-in session's summary, or DesktopError('unauthenticated'). */
  require(): SessionSummary {
    if (!this.#token || !this.#summary) throw new DesktopError('unauthenticated');
    return { ...this.#summary };
  }

  /** Forgets the session without telling anyone: the user signed out or changed server. */
  clear(): void {
    this.#token = undefined;
    this.#summary = undefined;
    this.#snapshot = undefined;
  }

  /**
   * Keeps what a call made with `token` read of the account, unless the session has changed since
   * (an answer that arrives after a sign-out or a new sign-in belongs to nobody). Memory only.
   */
  remember(token: string, read: Pick<AccountSnapshot, 'me'> | Pick<AccountSnapshot, 'devices'>): void {
    if (token !== this.#token) return;
    this.#snapshot = { ...this.#snapshot, ...read, savedAt: new Date(this.now()).toISOString() };
  }

  get snapshot(): AccountSnapshot | undefined {
    return this.#snapshot && { ...this.#snapshot };
  }

  /**
   * Runs an authenticated call with the token. When the server says the session is gone (401
   * `unauthenticated`: expired, idle, revoked elsewhere), the session is forgotten and `sessionEnded`
   * listeners hear why, so the UI can go back to sign-in. `quiet` is for the sign-out itself, which the
   * user asked for and needs no event.
   */
  async use<T>(call: (token: string) => Promise<T>, { quiet = false } = {}): Promise<T> {
    this.require();
    const token = this.#token as string;
    try {
      return await call(token);
    } catch (error) {
      if (error instanceof DesktopError && error.code === 'unauthenticated' && this.#token === token) {
        const reason = this.endReason();
        this.clear();
        if (!quiet) for (const listener of this.#listeners) listener(reason);
      }
      throw error;
    }
  }

  onSessionEnded(listener: (reason: SessionEndReason) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The server does not say why; past its absolute expiry it expired, otherwise it was ended elsewhere. */
  private endReason(): SessionEndReason {
    const expiresAt = Date.parse(this.#summary?.expiresAt ?? '');
    return Number.isFinite(expiresAt) && this.now() >= expiresAt ? 'expired' : 'revoked';
  }

  toJSON(): unknown {
    return { signedIn: this.#token !== undefined, token: this.#token ? '[redacted]' : undefined };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SessionHolder { signedIn: ${this.#token !== undefined}, token: [redacted] }`;
  }
}
