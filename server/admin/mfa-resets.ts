import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { accountForMail, noticeToOwner } from '../mfa/notices';
import { iso } from '../support/clock';
import { transact } from '../db/transact';
import { factorStore } from '../mfa/factor-store';
import { MfaFlows } from '../mfa/flows';
import { Sessions } from '../sessions/sessions';
import { TrustedDevices } from '../sessions/trusted-devices';
import { resetRequestStore, type ResetRequestStatus } from './reset-request-store';

export type Decision = 'approve' | 'deny';

/** The note on the other open requests of an account whose request was approved. */
export const supersededNote = 'Closed: another reset request for this account was approved.';

/** Who decides: a support account through the API, or an operator through the CLI. */
export type Decider = { kind: 'support'; accountId: string } | { kind: 'operator'; name: string };

function actorName(decider: Decider): string {
  return decider.kind === 'support' ? `support:${decider.accountId}` : `operator:${decider.name}`;
}

/**
 * MFA reset requests (rule 8): a user with no factor at hand asks, support decides. Approval removes
 * every factor, session and trusted computer of the account, so its next login must enroll again; it
 * is mailed to the owner and audited. Nobody decides their own request (docs/security.md 21).
 */
export class MfaResets {
  private readonly sessions: Sessions;
  private readonly devices: TrustedDevices;
  private readonly flows: MfaFlows;

  constructor(private readonly ctx: ServerContext) {
    this.sessions = new Sessions(ctx);
    this.devices = new TrustedDevices(ctx);
    this.flows = new MfaFlows(ctx);
  }

  async list(status?: ResetRequestStatus) {
    const rows = await resetRequestStore.listWithAccounts(this.ctx.db, status);
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      reason: r.reason,
      status:
        r.status === 'approved'
          ? ('approved' as const)
          : r.status === 'denied'
            ? ('denied' as const)
            : ('pending' as const),
      createdAt: iso(r.created_at),
      decidedAt: r.decided_at === null ? null : iso(r.decided_at),
      decidedBy: r.decided_by,
      note: r.note,
    }));
  }

  async decide(
    requestId: string,
    decision: Decision,
    note: string,
    decider: Decider,
    ip: string | null = null,
  ) {
    const now = this.ctx.clock.now();
    await transact(this.ctx, async (trx) => {
      const request = await resetRequestStore.find(trx, requestId);
      if (!request)
        throw new ApiError('not_found', { message: `No MFA reset request has the id ${requestId}.` });
      if (decider.kind === 'support' && decider.accountId === request.account_id) {
        throw new ApiError('forbidden', { message: 'You cannot decide your own reset request.' });
      }
      // Decided once: a second, parallel decision finds the row no longer pending.
      const claimed = await resetRequestStore.decide(trx, requestId, {
        status: decision === 'approve' ? 'approved' : 'denied',
        at: now,
        by: actorName(decider),
        note,
      });
      if (!claimed) throw new ApiError('already_decided');

      const account = await accountForMail(trx, request.account_id);
      if (decision === 'approve') {
        // The account starts over: another open request of it, approved later, would wipe factors enrolled since.
        await resetRequestStore.denyPending(trx, request.account_id, now, actorName(decider), supersededNote);
        await factorStore.removeAll(trx, request.account_id);
        await this.devices.revokeAll(trx, request.account_id);
        await this.sessions.revokeAll(trx, request.account_id);
        await this.flows.burnOpen(trx, request.account_id);
        await noticeToOwner(this.ctx, trx, account, 'mfa_reset_approved', { note });
      } else {
        await noticeToOwner(this.ctx, trx, account, 'mfa_reset_denied', { note });
      }
      await this.ctx.audit.record(trx, {
        accountId: request.account_id,
        actor: actorName(decider),
        action: decision === 'approve' ? 'mfa.reset_approved' : 'mfa.reset_denied',
        detail: { requestId, note },
        ip,
      });
    });
    return (await this.list()).find((r) => r.id === requestId)!;
  }
}
