import { asLocale } from '../../common/contract/fields';
import { maskEmail, normaliseEmail } from '../../common/domain/email';
import { maskPhone, normalisePhone } from '../../common/domain/phone';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { emailField } from '../../common/contract/fields';
import type { AddFactorRequest } from '../../common/contract/http';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { MfaFlow } from './flows';
import type {
  AccountForMail,
  CodeSent,
  Db,
  EnrollmentStart,
  Factor,
  FactorStrategy,
} from './factor-strategy';
import { codeLifetimeMs, type OneTimeCodes } from './one-time-codes';
import { smsCountryAllowed, type SendLimits } from './send-limits';
import { transact } from '../db/transact';
import { factorStore } from './factor-store';

/**
 * A factor that proves possession of an address by a code sent there: issue a code bound to the flow
 * (cooldown and per-target limits first), queue it in the outbox, verify it once.
 */
abstract class CodeFactor implements FactorStrategy {
  abstract readonly type: 'email' | 'sms';

  constructor(
    protected readonly ctx: Pick<ServerContext, 'outbox' | 'db' | 'dialect' | 'config'>,
    private readonly codes: OneTimeCodes,
    private readonly limits: SendLimits,
  ) {}

  /** Queues the code for delivery and returns the target as the user may see it. */
  protected abstract deliver(
    db: Db,
    target: string,
    code: string,
    flow: MfaFlow,
    account: AccountForMail,
  ): Promise<string>;

  protected abstract targetOf(factor: Factor, account: AccountForMail): string;

  /**
   * The cooldown first, then the send caps (each counted in its own statement, so a refusal, and the
   * owner's notice about it, stay recorded), then the code and its message in one transaction.
   */
  async send(factor: Factor, flow: MfaFlow, account: AccountForMail, ip: string | null): Promise<CodeSent> {
    const target = this.targetOf(factor, account);
    await this.codes.checkCooldown(this.ctx.db, flow.id, factor.id);
    await this.limits.admit(this.ctx.db, { channel: this.type, flow, account, target, ip });
    return transact(this.ctx, async (trx) => {
      // A set-up started in parallel replaces this pending factor: then there is nothing to send to.
      if (!(await factorStore.lockIfPresent(trx, factor.id, this.ctx.dialect === 'postgres')))
        throw new ApiError('factor_not_found');
      const issued = await this.codes.issue(trx, flow.id, factor.id);
      const sentTo = await this.deliver(trx, target, issued.code, flow, account);
      return { sentTo, expiresAt: issued.expiresAt, resendAfter: issued.resendAfter };
    });
  }

  verify(db: Db, factor: Factor, flow: MfaFlow, code: string): Promise<boolean> {
    return this.codes.consume(db, flow.id, factor.id, code);
  }
}

/** A code mailed to the factor's address, which may differ from the account's (rule 3). */
export class EmailFactor extends CodeFactor {
  readonly type = 'email' as const;

  enroll(request: AddFactorRequest): EnrollmentStart {
    if (request.type !== 'email') throw new Error(`EmailFactor cannot enroll ${request.type}`);
    const email = emailField.safeParse(request.email);
    if (!email.success) throw new ApiError('invalid_email');
    return { label: maskEmail(email.data), target: email.data, sealedSecret: null };
  }

  protected targetOf(factor: Factor, account: AccountForMail): string {
    return factor.target ?? account.email;
  }

  protected async deliver(
    db: Db,
    target: string,
    code: string,
    flow: MfaFlow,
    account: AccountForMail,
  ): Promise<string> {
    // A name typed at signup goes only to the account's own, proven address (docs/security.md 33).
    const own = normaliseEmail(target) === normaliseEmail(account.email);
    await this.ctx.outbox.queueMail(db, {
      to: target,
      locale: asLocale(account.locale),
      template: 'code',
      variables: {
        firstName: own ? account.first_name : undefined,
        code,
        purpose: flow.kind,
        minutes: codeLifetimeMs / 60_000,
      },
    });
    return maskEmail(target);
  }
}

/** A code texted to a mobile number (E.164), through the outbox and the configured SMS provider. */
export class SmsFactor extends CodeFactor {
  readonly type = 'sms' as const;

  enroll(request: AddFactorRequest, account: AccountForMail): EnrollmentStart {
    if (request.type !== 'sms') throw new Error(`SmsFactor cannot enroll ${request.type}`);
    // A national number ("06 12345678") needs a country: the one given, else the locale's (nl -> NL).
    const wanted = request.country ?? (account.locale === 'nl' ? 'NL' : undefined);
    const phone = normalisePhone(request.phone, wanted && isSupportedCountry(wanted) ? wanted : undefined);
    if (!phone.ok) throw new ApiError('invalid_phone', { reason: phone.reason });
    if (!smsCountryAllowed(this.ctx.config, phone.e164))
      throw new ApiError('invalid_phone', { reason: 'country_not_allowed' });
    return { label: maskPhone(phone.e164), target: phone.e164, sealedSecret: null };
  }

  protected targetOf(factor: Factor): string {
    return factor.target ?? '';
  }

  protected async deliver(
    db: Db,
    target: string,
    code: string,
    flow: MfaFlow,
    account: AccountForMail,
  ): Promise<string> {
    const minutes = codeLifetimeMs / 60_000;
    const body =
      asLocale(account.locale) === 'nl'
        ? `Je WEM-code is ${code}. Hij verloopt over ${minutes} minuten. Deel hem met niemand.`
        : `Your WEM code is ${code}. It expires in ${minutes} minutes. Never share it.`;
    await this.ctx.outbox.queueSms(db, { to: target, body, template: `code_${flow.kind}` });
    return maskPhone(target);
  }
}
