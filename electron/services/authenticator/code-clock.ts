import type { IpcEventPayload } from '../../../common/contract/ipc';
import { toCodeView } from './codes';
import type { AuthenticatorLock } from './lock';
import type { AuthenticatorVault } from './vault';

/** A timer source, injected so tests move time by hand instead of sleeping. Returns a cancel function. */
export interface Timers {
  set(callback: () => void, delayMs: number): () => void;
}

/** Node's timers, unref'd: a pending tick or clipboard clearing never keeps the process alive. */
export const realTimers: Timers = {
  set(callback, delayMs) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** Fires a little after the boundary, so the clock has surely crossed it when the codes are computed. */
const boundaryMarginMs = 25;

/**
 * Milliseconds from `nowMs` until the next moment something changes on the screen: a period of any
 * TOTP entry rolls over, or the idle lock falls due. Undefined when nothing will (only HOTP entries,
 * already locked).
 */
export function msUntilNextChange(
  nowMs: number,
  periodsSeconds: readonly number[],
  idleDeadline: number | undefined,
): number | undefined {
  const waits = periodsSeconds.map((period) => {
    const length = period * 1000;
    return length - (nowMs % length) + boundaryMarginMs;
  });
  if (idleDeadline !== undefined) waits.push(Math.max(0, idleDeadline - nowMs));
  return waits.length === 0 ? undefined : Math.min(...waits);
}

export interface CodeClockOptions {
  vault: AuthenticatorVault;
  lock: AuthenticatorLock;
  now: () => number;
  timers: Timers;
  push: (payload: IpcEventPayload<'authenticatorCodes'>) => void;
}

/**
 * The one timer behind the `authenticatorCodes` event: each push sends the codes (or "locked") and
 * sets the timer for the next change of any entry, or for the idle lock, whichever is first. Pushes
 * run one after another, never overlapping.
 */
export class CodeClock {
  private cancel: (() => void) | undefined;
  private pushing: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: CodeClockOptions) {}

  /** Whether a push is scheduled (the first list call starts the clock). */
  get running(): boolean {
    return this.cancel !== undefined;
  }

  /** Pushes now (after any push in progress) and sets the timer again. */
  refresh(): Promise<void> {
    const tick = () => this.tick();
    this.pushing = this.pushing.then(tick, tick);
    return this.pushing;
  }

  /** Locks if the idle time ran out (a sleeping computer delays timers); true when it just did. */
  async enforceIdle(): Promise<boolean> {
    const deadline = await this.options.lock.idleDeadline();
    if (deadline === undefined || this.options.now() < deadline) return false;
    await this.options.lock.lock();
    return true;
  }

  /** Resolves once every push that was started has been sent. */
  async flush(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.pushing;
      await seen;
    } while (seen !== this.pushing);
  }

  dispose(): void {
    this.disposed = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  private async tick(): Promise<void> {
    const { vault, lock, now, timers, push } = this.options;
    this.cancel?.();
    this.cancel = undefined;
    if (this.disposed) return;
    let wait: number | undefined;
    try {
      await this.enforceIdle();
      if ((await lock.state()).locked) return push({ locked: true });
      const entries = await vault.list();
      const nowMs = now();
      const views = entries.map((entry) => toCodeView(entry, nowMs));
      if (this.disposed) return;
      push({ locked: false, entries: views });
      const periods = new Set(entries.flatMap((entry) => (entry.type === 'totp' ? [entry.period] : [])));
      wait = msUntilNextChange(nowMs, [...periods], await lock.idleDeadline());
    } catch {
      // The keychain or the vault cannot be read just now; the screen shows why on its next call.
      wait = 30_000;
    }
    if (wait !== undefined && !this.disposed) this.cancel = timers.set(() => void this.refresh(), wait);
  }
}
