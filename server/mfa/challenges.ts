import { isSendingType, type ChallengeResponse } from '../../common/contract/http';
import type { Transaction } from 'kysely';
import type { ServerContext } from '../context';
import type { Database } from '../db/schema';
import { ApiError } from '../http/api-error';
import { accountForMail } from './notices';
import { iso } from '../support/clock';
import type { AccountForMail, Db, Factor, FactorStrategy } from './factor-strategy';
import type { CodeFailures } from './code-failures';
import { maxCodeAttempts, type MfaFlow, type MfaFlows } from './flows';
import { transact } from '../db/transact';
import { factorStore } from './factor-store';

/**
 * Sending and checking codes inside a flow, the same for login, step-up and enrollment. The factor
 * must belong to the flow's account (docs/security.md 14) and be in the state the flow needs: active for
 * login and step-up, the flow's own pending factor for enrollment.
 */
export class Challenges {
  constructor(
    private readonly ctx: Pick<ServerContext, 'db' | 'clock' | 'limiter' | 'outbox'>,
    private readonly flows: MfaFlows,
    private readonly strategies: ReadonlyMap<string, FactorStrategy>,
    private readonly failures: CodeFailures,
  ) {}

  strategy(type: string): FactorStrategy {
    const strategy = this.strategies.get(type);
    if (!strategy) throw new Error(`No strategy for factor type ${type}`);
    return strategy;
  }

  /** The factor this flow may use, or factor_not_found: another account's id looks like a missing one. */
  async factorFor(db: Db, flow: MfaFlow, factorId: string): Promise<Factor> {
    const factor = await factorStore.byId(db, factorId);
    const allowed =
      factor !== undefined &&
      factor.account_id === flow.account_id &&
      (flow.kind === 'enroll'
        ? factor.id === flow.factor_id && factor.status === 'pending'
        : factor.status === 'active');
    if (!allowed) throw new ApiError('factor_not_found');
    return factor;
  }

  /** The challenge of one of the flow's account's factors: its code sent, or nothing to send. */
  async challenge(flow: MfaFlow, factorId: string, ip: string | null): Promise<ChallengeResponse> {
    const factor = await this.factorFor(this.ctx.db, flow, factorId);
    return this.send(flow, factor, await accountForMail(this.ctx.db, flow.account_id), ip);
  }

  /** Sends the code of an email or SMS factor; a factor that sends nothing is not found here. */
  async sendCode(flow: MfaFlow, factor: Factor, account: AccountForMail, ip: string | null) {
    const sent = await this.send(flow, factor, account, ip);
    if (!('sentTo' in sent)) throw new ApiError('factor_not_found');
    return sent;
  }

  async send(
    flow: MfaFlow,
    factor: Factor,
    account: AccountForMail,
    ip: string | null,
  ): Promise<ChallengeResponse> {
    const strategy = this.strategy(factor.type);
    const type = strategy.type;
    if (isSendingType(type)) {
      if (!strategy.send) throw new Error(`The ${type} factor has no way to send its code`);
      const sent = await strategy.send(factor, flow, account, ip);
      return {
        factorId: factor.id,
        type,
        sentTo: sent.sentTo,
        expiresAt: iso(sent.expiresAt),
        resendAfter: iso(sent.resendAfter),
      };
    }
    // An authenticator app or a recovery code: nothing to send, the user reads the code themselves.
    return { factorId: factor.id, type, expiresAt: iso(flow.expires_at) };
  }

  /**
   * Checks a code. An attempt is reserved first (the source's budgets, then the flow's five), so
   * parallel guesses are counted before any is checked. A right code completes the flow exactly once,
   * and everything that follows it — the budgets handed back, the factor stamped, and `onSuccess` (the
   * caller's session, privilege or activation, with its audit line) — is one transaction.
   */
  async verify<T>(
    flow: MfaFlow,
    factor: Factor,
    code: string,
    ip: string | null,
    onSuccess: (trx: Transaction<Database>) => Promise<T>,
  ): Promise<T> {
    const budget = await this.failures.reserve(flow.account_id, ip);
    const attempt = await this.flows.reserveAttempt(this.ctx.db, flow.id);
    if (!attempt.ok) {
      await budget.release();
      throw new ApiError('too_many_attempts');
    }

    const strategy = this.strategy(factor.type);
    const succeeded = await transact(this.ctx, async (trx) => {
      if (!(await strategy.verify(trx, factor, flow, code.replace(/\s/g, '')))) return undefined;
      // The code's own single-use write (TOTP step, mailed code) is in this transaction: a flow
      // that a parallel request completed first rolls it back, leaving the code unused.
      if (!(await this.flows.complete(trx, flow.id))) throw flowTaken;
      await budget.release(trx);
      await factorStore.stampUsed(trx, factor.id, this.ctx.clock.now());
      return { value: await onSuccess(trx) };
    }).catch((error: unknown) => {
      if (error === flowTaken) return undefined;
      throw error;
    });
    if (succeeded) return succeeded.value;

    await this.flows.afterFailure(this.ctx.db, flow.id, attempt.attemptsLeft);
    await this.failures.failed(flow.account_id);
    if (attempt.attemptsLeft <= 0) throw new ApiError('too_many_attempts');
    throw new ApiError('invalid_code', { attemptsLeft: attempt.attemptsLeft });
  }
}

/** Thrown inside the success transaction to roll it back when the flow was completed meanwhile. */
const flowTaken = new Error('flow completed by another request');

export { maxCodeAttempts };
