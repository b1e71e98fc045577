import { canonicalMailbox } from '../../common/domain/email';
import { phoneCountry } from '../../common/domain/phone';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Limit } from '../http/rate-limiter';
import type { MfaFlow } from './flows';
import type { AccountForMail, Db } from './factor-strategy';
import { abuseNoticeToOwner } from './notices';
import { accountStore } from '../accounts/account-store';

const hour = 3_600_000;
const day = 24 * hour;

/** A new account's SMS budget: texts cost money, and signups are cheap (docs/security.md 33). */
export const newAccountMs = 7 * day;

/**
 * Caps on code sends, beyond the flow's own cooldown. Numbers are per window; every counter lives in
 * the database, so all instances share them. Chosen so that a person signing in a few times a day on
 * two or three factors never meets one, while one session or signup cannot reach more than a handful
 * of strangers (SMS pumping, mail bombing: the outside review's third finding).
 */
export const sendCaps = {
  /** One mailbox or number, whoever asks: plus-tags and dots Gmail ignores count as one mailbox. */
  perTarget: { max: 10, windowMs: hour },
  perTargetPerDay: { max: 20, windowMs: day },
  /** One flow (a login's loginId, a step-up, a set-up): its code, and a few resends. */
  perFlow: { max: 5, windowMs: hour },
  /** One session, over all its set-ups and step-ups. */
  perSession: { max: 10, windowMs: hour },
  perAccount: { sms: { max: 5, windowMs: hour }, email: { max: 10, windowMs: hour } },
  perAccountPerDay: {
    sms: { max: 20, windowMs: day },
    smsNewAccount: { max: 5, windowMs: day },
    email: { max: 40, windowMs: day },
  },
  /** Different mailboxes or numbers one account may send codes to in a day. */
  destinationsPerDay: { sms: { max: 3, windowMs: day }, email: { max: 5, windowMs: day } },
  perIp: { sms: { max: 10, windowMs: hour }, email: { max: 30, windowMs: hour } },
} as const satisfies Record<string, Limit | Record<string, Limit>>;

export type SendChannel = 'sms' | 'email';

export interface SendRequest {
  channel: SendChannel;
  flow: MfaFlow;
  account: AccountForMail;
  /** The address or E.164 number the code would go to. */
  target: string;
  ip: string | null;
}

/**
 * Decides whether one more code may be sent, and counts it. Narrow limits are checked first, so a
 * refused send costs the wider counters nothing. When a limit of the account itself refuses, the owner
 * is told once a day: that pattern is someone using the account to send codes.
 */
export class SendLimits {
  constructor(private readonly ctx: Pick<ServerContext, 'limiter' | 'config' | 'clock' | 'outbox'>) {}

  async admit(db: Db, send: SendRequest): Promise<void> {
    const { channel, flow, account } = send;
    const target = channel === 'email' ? canonicalMailbox(send.target) : send.target;
    if (channel === 'sms') this.checkCountry(send.target);

    const owner = `${channel}:${account.id}`;
    const perAccountPerDay =
      channel === 'email'
        ? sendCaps.perAccountPerDay.email
        : (await this.isNew(db, account.id))
          ? sendCaps.perAccountPerDay.smsNewAccount
          : sendCaps.perAccountPerDay.sms;
    const checks: [key: string, limit: Limit, ownersPattern: boolean][] = [
      [`code-send:${target}`, sendCaps.perTarget, false],
      [`code-send-day:${target}`, sendCaps.perTargetPerDay, false],
      [`code-send-flow:${flow.id}`, sendCaps.perFlow, false],
      ...(flow.session_id
        ? [[`code-send-session:${flow.session_id}`, sendCaps.perSession, true] as [string, Limit, boolean]]
        : []),
      [`code-send-account:${owner}`, sendCaps.perAccount[channel], true],
      [`code-send-account-day:${owner}`, perAccountPerDay, true],
      [`code-send-ip:${channel}:${send.ip ?? 'unknown'}`, sendCaps.perIp[channel], false],
    ];
    if (channel === 'sms') {
      const { callingCode } = phoneCountry(send.target);
      checks.push([
        `code-send-country:${callingCode}`,
        { max: this.ctx.config.sendLimits.smsPerCountryPerHour, windowMs: hour },
        false,
      ]);
    }
    checks.push([
      `code-send-all:${channel}`,
      {
        max:
          channel === 'sms'
            ? this.ctx.config.sendLimits.smsPerHour
            : this.ctx.config.sendLimits.mailCodesPerHour,
        windowMs: hour,
      },
      false,
    ]);

    for (const [key, limit, ownersPattern] of checks) {
      const decision = await this.ctx.limiter.consume(key, limit, db);
      if (!decision.allowed) await this.refuse(db, send, decision.retryAfterMs, ownersPattern);
    }
    await this.admitDestination(db, send, target);
  }

  /** A destination this account has not sent to today takes one of the day's few new destinations. */
  private async admitDestination(db: Db, send: SendRequest, target: string): Promise<void> {
    const seen = `code-dest:${send.account.id}:${target}`;
    const first = await this.ctx.limiter.consume(seen, { max: Number.MAX_SAFE_INTEGER, windowMs: day }, db);
    if (first.count !== 1) return;
    const decision = await this.ctx.limiter.consume(
      `code-dests:${send.channel}:${send.account.id}`,
      sendCaps.destinationsPerDay[send.channel],
      db,
    );
    if (decision.allowed) return;
    // Not sent, so not seen: asking again for the same stranger must not slip through as "known".
    await this.ctx.limiter.reset(seen, db);
    await this.refuse(db, send, decision.retryAfterMs, true);
  }

  private checkCountry(e164: string): void {
    const allowed = this.ctx.config.sendLimits.smsAllowedCountries;
    if (!allowed) return;
    const { country } = phoneCountry(e164);
    if (!country || !allowed.includes(country))
      throw new ApiError('invalid_phone', { reason: 'country_not_allowed' });
  }

  private async isNew(db: Db, accountId: string): Promise<boolean> {
    const activatedAt = await accountStore.activatedAt(db, accountId);
    return activatedAt === null || this.ctx.clock.now() - activatedAt < newAccountMs;
  }

  private async refuse(
    db: Db,
    send: SendRequest,
    retryAfterMs: number,
    ownersPattern: boolean,
  ): Promise<never> {
    if (ownersPattern) {
      await abuseNoticeToOwner(this.ctx, db, send.account.id, 'codes_limited');
    }
    throw new ApiError('rate_limited', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
  }
}

/** Whether an SMS may go to this number under SMS_ALLOWED_COUNTRIES; checked when the number is added. */
export function smsCountryAllowed(config: ServerContext['config'], e164: string): boolean {
  const allowed = config.sendLimits.smsAllowedCountries;
  if (!allowed) return true;
  const { country } = phoneCountry(e164);
  return country !== undefined && allowed.includes(country);
}
