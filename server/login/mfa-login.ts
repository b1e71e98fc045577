import type { ChallengeResponse, LoginVerifyResponse } from '../../common/contract/http';
import { resetRequestStore } from '../admin/reset-request-store';
import { asDeviceName } from '../../common/domain/text';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { Challenges } from '../mfa/challenges';
import { privilegeMs } from '../sessions/privilege';
import type { MfaFlow, MfaFlows } from '../mfa/flows';
import { accountForMail, noticeToOwner } from '../mfa/notices';
import type { TrustedDevices } from '../sessions/trusted-devices';
import { newId } from '../support/random';
import type { Sessions } from '../sessions/sessions';
import { transact } from '../db/transact';
import { acrValues, amrWithFactor } from '../sessions/authentication-methods';

/**
 * The second step of login (docs/api.md): the user picks one of their factors, gets a code if it is mailed
 * or texted, and verifies it — optionally trusting this computer for TRUSTED_DEVICE_TTL. A loginId is
 * a flow that expires, counts wrong codes and completes once. With no factor at hand, the same loginId
 * (proof of the password) files an MFA reset request for support.
 */
/** Open reset requests one account may have at once; each further one waits for a decision. */
export const maxPendingResetRequests = 3;

export class MfaLogin {
  constructor(
    private readonly ctx: ServerContext,
    private readonly flows: MfaFlows,
    private readonly challenges: Challenges,
    private readonly sessions: Sessions,
    private readonly devices: TrustedDevices,
  ) {}

  private async loginFlow(loginId: string): Promise<MfaFlow> {
    const flow = await this.flows.find(this.ctx.db, loginId);
    if (!flow || flow.kind !== 'login') throw new ApiError('login_not_found');
    return this.flows.usable(flow);
  }

  async challenge(loginId: string, factorId: string, ip: string | null): Promise<ChallengeResponse> {
    return this.challenges.challenge(await this.loginFlow(loginId), factorId, ip);
  }

  async verify(
    loginId: string,
    input: {
      factorId: string;
      code: string;
      trustDevice?: boolean | undefined;
      deviceName?: string | undefined;
    },
    ip: string | null,
  ): Promise<LoginVerifyResponse> {
    const flow = await this.loginFlow(loginId);
    const factor = await this.challenges.factorFor(this.ctx.db, flow, input.factorId);
    const result = await this.challenges.verify(flow, factor, input.code, ip, async (trx) => {
      let trustedDevice;
      if (input.trustDevice) {
        trustedDevice = await this.devices.issue(trx, flow.account_id, input.deviceName);
        const account = await accountForMail(trx, flow.account_id);
        await noticeToOwner(this.ctx, trx, account, 'trusted_device_added', {
          deviceName: asDeviceName(input.deviceName),
          until: trustedDevice.expiresAt.slice(0, 10),
        });
        await this.ctx.audit.record(trx, {
          accountId: flow.account_id,
          actor: 'user',
          action: 'mfa.device_trusted',
          detail: { deviceId: trustedDevice.id },
          ip,
        });
      }
      // Opened on the computer it just trusted: listed as "this computer", ended when that is revoked.
      const session = await this.sessions.create(trx, flow.account_id, {
        scope: 'full',
        privilegedUntil: this.ctx.clock.now() + privilegeMs,
        trustedDeviceId: trustedDevice?.id ?? null,
        amr: amrWithFactor(factor.type),
        acr: acrValues.mfa,
      });
      await this.ctx.audit.record(trx, {
        accountId: flow.account_id,
        actor: 'user',
        action: 'login.succeeded',
        detail: { factor: factor.type },
        ip,
      });
      return { session, trustedDevice };
    });
    return {
      state: 'authenticated',
      session: result.session,
      ...(result.trustedDevice ? { trustedDevice: result.trustedDevice } : {}),
    };
  }

  async requestReset(
    loginId: string,
    reason: string,
    ip: string | null,
  ): Promise<{ requestId: string; status: 'pending' }> {
    const flow = await this.loginFlow(loginId);
    const requestId = await transact(this.ctx, async (trx) => {
      // Every request is kept as it was filed, side by side (docs/security.md 35): a second one must not
      // rewrite the reason support reads, and two competing requests are themselves worth seeing.
      if ((await resetRequestStore.pendingCount(trx, flow.account_id)) >= maxPendingResetRequests)
        throw new ApiError('rate_limited', {
          message: 'Support already has your requests. Wait for their answer.',
        });
      const id = newId(this.ctx.random);
      await resetRequestStore.insert(trx, {
        id,
        account_id: flow.account_id,
        reason,
        status: 'pending',
        created_at: this.ctx.clock.now(),
        decided_at: null,
        decided_by: null,
        note: null,
        ip,
      });
      const account = await accountForMail(trx, flow.account_id);
      await noticeToOwner(this.ctx, trx, account, 'mfa_reset_requested', {});
      await this.ctx.audit.record(trx, {
        accountId: flow.account_id,
        actor: 'user',
        action: 'mfa.reset_requested',
        detail: { requestId: id },
        ip,
      });
      return id;
    });
    return { requestId, status: 'pending' };
  }
}
