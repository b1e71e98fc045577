import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { ServerContext } from '../context';
import { accountStore } from './account-store';

/**
 * Accounts that are never activated do not stay forever (docs/security.md 31): a pending account is
 * removed PENDING_ACCOUNT_TTL (default 7 days) after its last activation link was mailed, with its links.
 * Removal happens when its address signs up again (so the rule holds to the millisecond) and in a
 * periodic sweep (so abandoned rows disappear without anyone asking).
 */
export async function removeIfExpired(
  ctx: Pick<ServerContext, 'clock' | 'config' | 'audit'>,
  trx: Transaction<Database>,
  emailNormalized: string,
): Promise<void> {
  const before = ctx.clock.now() - ctx.config.pendingAccountTtlMs;
  for (const { id } of await accountStore.removeStalePending(trx, before, emailNormalized)) {
    await ctx.audit.record(trx, { accountId: id, actor: 'system', action: 'account.expired' });
  }
}

/** Removes every expired pending account; returns how many. */
export async function sweepPendingAccounts(ctx: Pick<ServerContext, 'db' | 'clock' | 'config' | 'audit'>) {
  return ctx.db.transaction().execute(async (trx) => {
    const removed = await accountStore.removeStalePending(
      trx,
      ctx.clock.now() - ctx.config.pendingAccountTtlMs,
    );
    for (const { id } of removed) {
      await ctx.audit.record(trx, { accountId: id, actor: 'system', action: 'account.expired' });
    }
    return removed.length;
  });
}

/** Runs the sweep every `everyMs` until stopped; a failed sweep is logged and tried again next time. */
export class PendingAccountSweeper {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: Pick<ServerContext, 'db' | 'clock' | 'config' | 'audit' | 'log'>,
    private readonly everyMs = 10 * 60_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      sweepPendingAccounts(this.ctx).catch((error: unknown) =>
        this.ctx.log.warn({ err: error }, 'pending account sweep failed'),
      );
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
