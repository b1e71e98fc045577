import { asLocale } from '../../common/contract/fields';
import { maskEmail } from '../../common/domain/email';
import { maskPhone } from '../../common/domain/phone';
import type { ServerContext } from '../context';
import type { MfaFlow } from './flows';
import type { AccountForMail, CodeSent, Db, Factor, FactorStrategy } from './factor-strategy';
import { codeLifetimeMs, type OneTimeCodes } from './one-time-codes';

/** A code mailed to the factor's address, which may differ from the account's (rule 3). */
export class EmailFactor implements FactorStrategy {
  readonly type = 'email' as const;

  constructor(
    private readonly ctx: Pick<ServerContext, 'outbox'>,
    private readonly codes: OneTimeCodes,
  ) {}

  async send(db: Db, factor: Factor, flow: MfaFlow, account: AccountForMail): Promise<CodeSent> {
    const target = factor.target ?? account.email;
    await this.codes.checkCanSend(db, flow.id, factor.id, target);
    const issued = await this.codes.issue(db, flow.id, factor.id);
    await this.ctx.outbox.queueMail(db, {
      to: target,
      locale: asLocale(account.locale),
      template: 'code',
      variables: {
        firstName: account.first_name,
        code: issued.code,
        purpose: flow.kind,
        minutes: codeLifetimeMs / 60_000,
      },
    });
    return { sentTo: maskEmail(target), expiresAt: issued.expiresAt, resendAfter: issued.resendAfter };
  }

  verify(db: Db, factor: Factor, flow: MfaFlow, code: string): Promise<boolean> {
    return this.codes.consume(db, flow.id, factor.id, code);
  }
}

/** A code texted to a mobile number (E.164), through the outbox and the configured SMS provider. */
export class SmsFactor implements FactorStrategy {
  readonly type = 'sms' as const;

  constructor(
    private readonly ctx: Pick<ServerContext, 'outbox'>,
    private readonly codes: OneTimeCodes,
  ) {}

  async send(db: Db, factor: Factor, flow: MfaFlow, account: AccountForMail): Promise<CodeSent> {
    const target = factor.target ?? '';
    await this.codes.checkCanSend(db, flow.id, factor.id, target);
    const issued = await this.codes.issue(db, flow.id, factor.id);
    const minutes = codeLifetimeMs / 60_000;
    const body =
      asLocale(account.locale) === 'nl'
        ? `Je WEM-code is ${issued.code}. Hij verloopt over ${minutes} minuten. Deel hem met niemand.`
        : `Your WEM code is ${issued.code}. It expires in ${minutes} minutes. Never share it.`;
    await this.ctx.outbox.queueSms(db, { to: target, body, template: `code_${flow.kind}` });
    return { sentTo: maskPhone(target), expiresAt: issued.expiresAt, resendAfter: issued.resendAfter };
  }

  verify(db: Db, factor: Factor, flow: MfaFlow, code: string): Promise<boolean> {
    return this.codes.consume(db, flow.id, factor.id, code);
  }
}
