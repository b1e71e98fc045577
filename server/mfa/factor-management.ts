import { acrValues, amrWithFactor } from '../sessions/authentication-methods';
import {
  factorType,
  isSendingType,
  type AddFactorRequest,
  type AddFactorResponse,
  type SessionView,
} from '../../common/contract/http';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { privilegeMs, requirePrivileged } from '../sessions/privilege';
import type { Session, Sessions } from '../sessions/sessions';
import { newId } from '../support/random';
import type { Challenges } from './challenges';
import type { Db, Factor } from './factor-strategy';
import { countsAsFactor, factorStore } from './factor-store';
import type { MfaFlows } from './flows';
import { accountForMail, noticeToOwner } from './notices';
import type { RecoveryCodesFactor } from './recovery-codes';
import type { TrustedDevices } from '../sessions/trusted-devices';
import { transact } from '../db/transact';
import { accountStore } from '../accounts/account-store';

/** A stored factor as the API shows it (the `factorView` schema of common/contract/http.ts). */
export function toFactorView(factor: Pick<Factor, 'id' | 'type' | 'label' | 'status'>) {
  return {
    id: factor.id,
    type: factorType.parse(factor.type),
    label: factor.label,
    status: factor.status === 'active' ? ('active' as const) : ('pending' as const),
  };
}

/**
 * My details -> Manage MFA: adding, confirming, resending and removing factors. Changes need a fresh
 * proof of a factor (step-up) except while enrolling the first one; the last email/SMS/TOTP factor
 * stays (rule 7), checked under a lock on the account row so two removals cannot both pass.
 */
export class FactorManagement {
  constructor(
    private readonly ctx: ServerContext,
    private readonly flows: MfaFlows,
    private readonly challenges: Challenges,
    private readonly recovery: RecoveryCodesFactor,
    private readonly sessions: Sessions,
    private readonly devices: TrustedDevices,
  ) {}

  /** Changes need a fresh factor proof, except while the account enrolls its first factor. */
  requirePrivilege(session: Session): void {
    if (session.scope !== 'enrollment') requirePrivileged(session, this.ctx.clock.now());
  }

  async add(session: Session, request: AddFactorRequest, ip: string | null): Promise<AddFactorResponse> {
    this.requirePrivilege(session);
    const account = await accountForMail(this.ctx.db, session.accountId);
    if (request.type === 'recovery_codes') {
      // Recovery codes are a fallback, not a factor (rule 3): made while enrolling, they would be the
      // account's only login option and turn a password alone into a full session.
      if (session.scope === 'enrollment') throw new ApiError('enrollment_required');
      return this.newRecoveryCodes(session, ip);
    }

    const strategy = this.challenges.strategy(request.type);
    if (!strategy.enroll) throw new ApiError('validation_failed');
    const start = strategy.enroll(request, account);

    const now = this.ctx.clock.now();
    const factor: Factor = {
      id: newId(this.ctx.random),
      account_id: session.accountId,
      type: request.type,
      label: start.label,
      target: start.target,
      secret: start.sealedSecret,
      status: 'pending',
      created_at: now,
      activated_at: null,
      last_used_at: null,
      last_totp_step: null,
      failures: 0,
    };
    const flow = await this.ctx.db.transaction().execute(async (trx) => {
      await factorStore.removePending(trx, session.accountId, request.type);
      await factorStore.insert(trx, factor);
      return this.flows.create(trx, 'enroll', session.accountId, {
        sessionId: session.id,
        factorId: factor.id,
      });
    });

    const view = toFactorView(factor);
    let response: AddFactorResponse;
    if (request.type === 'totp' && start.reveal) {
      response = { factor: { ...view, type: request.type }, ...start.reveal };
    } else if (isSendingType(request.type)) {
      const sent = await this.challenges.sendCode(flow, factor, account, ip);
      response = {
        factor: { ...view, type: request.type },
        sentTo: sent.sentTo,
        expiresAt: sent.expiresAt,
        resendAfter: sent.resendAfter,
      };
    } else {
      throw new Error(`Setting up a ${request.type} factor shows no key and sends no code`);
    }
    await this.ctx.audit.record(this.ctx.db, {
      accountId: session.accountId,
      actor: 'user',
      action: 'mfa.factor_started',
      detail: { type: request.type, factorId: factor.id },
      ip,
    });
    return response;
  }

  async verify(
    session: Session,
    factorId: string,
    code: string,
    ip: string | null,
  ): Promise<{ factor: ReturnType<typeof toFactorView>; session?: SessionView }> {
    const { flow, factor } = await this.enrollment(session, factorId);
    const now = this.ctx.clock.now();
    const upgraded = await this.challenges.verify(flow, factor, code, ip, async (trx) => {
      await accountStore.lock(trx, session.accountId, this.ctx.dialect);
      // Two enrollment sessions confirming at once: only the first makes the account's first factor;
      // the other is stale from that moment (docs/security.md 32) and needs a real sign-in.
      if (session.scope === 'enrollment' && (await factorStore.hasActive(trx, session.accountId))) {
        await this.sessions.revoke(trx, session.id);
        return 'stale' as const;
      }
      await factorStore.activate(trx, factor.id, now);
      await this.announce(trx, factor, 'added', ip);
      if (session.scope !== 'enrollment') return undefined;
      // The first factor is in place: every enrollment session gives way, this one to a full,
      // privileged session.
      await this.sessions.revokeEnrollment(trx, session.accountId);
      return this.sessions.create(trx, session.accountId, {
        scope: 'full',
        privilegedUntil: now + privilegeMs,
        // The factor just confirmed was checked in this sign-in (docs/oidc.md).
        amr: amrWithFactor(factor.type),
        acr: acrValues.mfa,
      });
    });
    if (upgraded === 'stale') throw new ApiError('unauthenticated');
    return {
      factor: toFactorView({ ...factor, status: 'active' }),
      ...(upgraded ? { session: upgraded } : {}),
    };
  }

  async resend(session: Session, factorId: string, ip: string | null) {
    const { flow, factor } = await this.enrollment(session, factorId);
    // sendCode refuses a factor that sends nothing (an authenticator app) as not found.
    const sent = await this.challenges.sendCode(
      flow,
      factor,
      await accountForMail(this.ctx.db, session.accountId),
      ip,
    );
    return { sentTo: sent.sentTo, expiresAt: sent.expiresAt, resendAfter: sent.resendAfter };
  }

  async remove(session: Session, factorId: string, ip: string | null): Promise<void> {
    this.requirePrivilege(session);
    await transact(this.ctx, async (trx) => {
      await accountStore.lock(trx, session.accountId, this.ctx.dialect);
      const factor = await factorStore.ofAccount(trx, session.accountId, factorId);
      if (!factor) throw new ApiError('factor_not_found');
      if (factor.status === 'active' && countsAsFactor(factor.type)) {
        if ((await factorStore.otherActiveCount(trx, session.accountId, factor.id)) === 0)
          throw new ApiError('last_factor');
      }
      await factorStore.remove(trx, factor.id);
      if (factor.status !== 'active') return;
      // A removed factor may be the one an intruder lacked: end every other way in (docs/security.md 17).
      await this.devices.revokeAll(trx, session.accountId, session.id);
      await this.sessions.revokeAll(trx, session.accountId, session.id);
      await this.announce(trx, factor, 'removed', ip);
    });
  }

  /** The owner's notice mail and the audit entry of a factor change, in the change's transaction. */
  private async announce(
    db: Db,
    factor: Factor,
    change: 'added' | 'removed',
    ip: string | null,
  ): Promise<void> {
    const account = await accountForMail(db, factor.account_id);
    await noticeToOwner(this.ctx, db, account, change === 'added' ? 'factor_added' : 'factor_removed', {
      factorType: factor.type,
      factorLabel: factor.label,
    });
    await this.ctx.audit.record(db, {
      accountId: factor.account_id,
      actor: 'user',
      action: change === 'added' ? 'mfa.factor_added' : 'mfa.factor_removed',
      detail: { type: factor.type, factorId: factor.id },
      ip,
    });
  }

  private async newRecoveryCodes(session: Session, ip: string | null): Promise<AddFactorResponse> {
    const now = this.ctx.clock.now();
    const result = await transact(this.ctx, async (trx) => {
      let factor = await factorStore.recoveryCodesOf(trx, session.accountId);
      if (!factor) {
        factor = factorStore.activeRow(session.accountId, now, {
          id: newId(this.ctx.random),
          type: 'recovery_codes',
          label: 'Recovery codes',
        });
        await factorStore.insert(trx, factor);
      }
      const codes = await this.recovery.generate(trx, factor.id);
      const account = await accountForMail(trx, session.accountId);
      await noticeToOwner(this.ctx, trx, account, 'factor_added', {
        factorType: 'recovery_codes',
        factorLabel: factor.label,
      });
      await this.ctx.audit.record(trx, {
        accountId: session.accountId,
        actor: 'user',
        action: 'mfa.recovery_codes_created',
        ip,
      });
      return { factor, codes };
    });
    return { factor: { ...toFactorView(result.factor), type: 'recovery_codes' }, codes: result.codes };
  }

  /** The pending factor of this account and its open enrollment flow. */
  private async enrollment(session: Session, factorId: string) {
    const factor = await factorStore.ofAccount(this.ctx.db, session.accountId, factorId);
    if (!factor || factor.status !== 'pending') throw new ApiError('factor_not_found');
    const flow = await this.flows.latestEnrollment(this.ctx.db, factorId);
    return {
      flow: this.flows.usable(flow),
      factor: await this.challenges.factorFor(this.ctx.db, this.flows.usable(flow), factorId),
    };
  }
}
