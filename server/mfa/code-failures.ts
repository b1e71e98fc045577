import { isIPv6 } from 'node:net';
import type { Db } from '../db/schema';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Limit } from '../http/rate-limiter';
import { abuseNoticeToOwner } from './notices';

const hour = 3_600_000;
const day = 24 * hour;

/**
 * Wrong-code budgets beyond the flow's five (docs/security.md 34). Someone who knows the password can
 * start login after login; a single account-wide cap then locked the owner's right factor out too
 * (the outside review's fourth finding). Budgets are therefore kept per source: a client address (an
 * IPv6 /64 counts as one). A source the account signed in from in the last 30 days is familiar: only
 * its own budget applies to it, so the owner at home or at the office is never shut out by someone
 * else. Unfamiliar sources also share an account-wide budget, high enough that an attacker needs many
 * addresses to reach it, low enough that guessing a 6-digit code stays hopeless.
 */
export const codeFailureBudgets = {
  perSource: { max: 10, windowMs: hour },
  unfamiliarPerAccount: { max: 50, windowMs: hour },
} as const satisfies Record<string, Limit>;

/** Wrong codes in an hour, over all sources, after which the owner is told (once a day). */
export const failurePatternThreshold = 6;
export const familiarForMs = 30 * day;

/** One attempt taken from a source's budgets; `release` hands it back (in `db`'s transaction). */
export interface ReservedAttempt {
  release(db?: Db): Promise<void>;
}

export class CodeFailures {
  constructor(private readonly ctx: Pick<ServerContext, 'db' | 'clock' | 'limiter' | 'outbox' | 'audit'>) {}

  /**
   * Takes one attempt from the budgets that apply to this source, before the code is checked, so
   * parallel guesses are counted first. Refused: too_many_attempts with the wait. The answer hands
   * the attempt back when it turns out to be the owner's (a right code) or never checked.
   */
  async reserve(accountId: string, ip: string | null): Promise<ReservedAttempt> {
    const own = `code-fail:${accountId}:${sourceOf(ip)}`;
    const ownDecision = await this.ctx.limiter.consume(own, codeFailureBudgets.perSource);
    if (!ownDecision.allowed) throw tooMany(ownDecision.retryAfterMs);
    const keys = [own];
    if (!(await this.familiar(accountId, ip))) {
      const shared = `code-fail:${accountId}`;
      const sharedDecision = await this.ctx.limiter.consume(shared, codeFailureBudgets.unfamiliarPerAccount);
      if (!sharedDecision.allowed) {
        await this.ctx.limiter.release(own);
        throw tooMany(sharedDecision.retryAfterMs);
      }
      keys.push(shared);
    }
    return {
      release: async (db: Db = this.ctx.db) => {
        for (const key of keys) await this.ctx.limiter.release(key, db);
      },
    };
  }

  /** A wrong code: counted already; when wrong codes pile up, the owner hears of it once a day. */
  async failed(accountId: string): Promise<void> {
    const seen = await this.ctx.limiter.consume(`code-fail-seen:${accountId}`, {
      max: Number.MAX_SAFE_INTEGER,
      windowMs: hour,
    });
    if (seen.count < failurePatternThreshold) return;
    await abuseNoticeToOwner(this.ctx, this.ctx.db, accountId, 'codes_failing');
  }

  /** Whether the account completed a sign-in from this address within the last 30 days. */
  private async familiar(accountId: string, ip: string | null): Promise<boolean> {
    if (!ip) return false;
    return this.ctx.audit.signedInFrom(this.ctx.db, {
      accountId,
      ip,
      since: this.ctx.clock.now() - familiarForMs,
    });
  }
}

function tooMany(retryAfterMs: number): ApiError {
  return new ApiError('too_many_attempts', {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
}

/** The budget key of a client address: IPv4 as is, IPv6 by its /64 (one customer's whole network). */
export function sourceOf(ip: string | null): string {
  if (!ip) return 'unknown';
  if (!isIPv6(ip) || ip.startsWith('::ffff:')) return ip;
  const expanded = expandIPv6(ip);
  return `${expanded.slice(0, 4).join(':')}::/64`;
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = ip.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => group.toLowerCase() || '0');
}
