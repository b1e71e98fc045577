import { asLocale } from '../../common/contract/fields';
import { maskEmail } from '../../common/domain/email';
import { maskPhone } from '../../common/domain/phone';
import type { ServerContext } from '../context';
import type { MfaFlow } from './flows';
import type { AccountForMail, CodeSent, Db, Factor, FactorStrategy } from './factor-strategy';
import { codeLifetimeMs, type OneTimeCodes } from './one-time-codes';

/**
 * A factor that proves possession of an address by a code sent there: issue a code bound to the flow
 * (cooldown and per-target limits first), queue it in the outbox, verify it once.
 */
abstract class CodeFactor implements FactorStrategy {
  abstract readonly type: 'email' | 'sms';

  constructor(
    protected readonly ctx: Pick<ServerContext, 'outbox'>,
    private readonly codes: OneTimeCodes,
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

  async send(db: Db, factor: Factor, flow: MfaFlow, account: AccountForMail): Promise<CodeSent> {
    const target = this.targetOf(factor, account);
    await this.codes.checkCanSend(db, flow.id, factor.id, target);
    const issued = await this.codes.issue(db, flow.id, factor.id);
    const sentTo = await this.deliver(db, target, issued.code, flow, account);
    return { sentTo, expiresAt: issued.expiresAt, resendAfter: issued.resendAfter };
  }

  verify(db: Db, factor: Factor, flow: MfaFlow, code: string): Promise<boolean> {
    return this.codes.consume(db, flow.id, factor.id, code);
  }
}

/** A code mailed to the factor's address, which may differ from the account's (rule 3). */
export class EmailFactor extends CodeFactor {
  readonly type = 'email' as const;

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
    await this.ctx.outbox.queueMail(db, {
      to: target,
      locale: asLocale(account.locale),
      template: 'code',
      variables: {
        firstName: account.first_name,
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
