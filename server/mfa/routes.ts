import { endpoints } from '../../common/contract/endpoints';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { ApiError } from '../http/api-error';
import { route, type ApiInstance } from '../http/route-types';
import type { Sessions } from '../sessions/sessions';
import type { FactorManagement } from './factor-management';
import type { StepUp } from './step-up';
import type { TrustedDevices } from '../sessions/trusted-devices';

export interface MfaServices {
  factors: FactorManagement;
  stepUp: StepUp;
  devices: TrustedDevices;
  sessions: Sessions;
}

export function mfaRoutes(app: ApiInstance, ctx: ServerContext, s: MfaServices): void {
  const anySession = [requireSession(s.sessions, { allowEnrollment: true })];
  const fullSession = [requireSession(s.sessions)];

  route(app, endpoints.stepUp, fullSession, async (request) =>
    s.stepUp.challenge(sessionOf(request), request.body.factorId, request.ip),
  );

  route(app, endpoints.verifyStepUp, fullSession, async (request) =>
    s.stepUp.verify(sessionOf(request), request.body.factorId, request.body.code, request.ip),
  );

  route(app, endpoints.addFactor, anySession, async (request) =>
    s.factors.add(sessionOf(request), request.body, request.ip),
  );

  route(app, endpoints.verifyFactor, anySession, async (request) =>
    s.factors.verify(sessionOf(request), request.params.id, request.body.code, request.ip),
  );

  route(app, endpoints.resendFactor, anySession, async (request) =>
    s.factors.resend(sessionOf(request), request.params.id, request.ip),
  );

  route(app, endpoints.removeFactor, fullSession, async (request) => {
    await s.factors.remove(sessionOf(request), request.params.id, request.ip);
  });

  route(app, endpoints.devices, fullSession, async (request) => {
    const session = sessionOf(request);
    return s.devices.list(ctx.db, session.accountId, session.trustedDeviceId);
  });

  route(app, endpoints.revokeDevice, fullSession, async (request) => {
    const session = sessionOf(request);
    if (!(await s.devices.revoke(ctx.db, session.accountId, request.params.id, session.id)))
      throw new ApiError('not_found');
    await ctx.audit.record(ctx.db, {
      accountId: session.accountId,
      actor: 'user',
      action: 'mfa.device_revoked',
      detail: { deviceId: request.params.id },
      ip: request.ip,
    });
  });

  route(app, endpoints.revokeAllDevices, fullSession, async (request) => {
    const session = sessionOf(request);
    await s.devices.revokeAll(ctx.db, session.accountId, session.id);
    await ctx.audit.record(ctx.db, {
      accountId: session.accountId,
      actor: 'user',
      action: 'mfa.device_revoked',
      detail: { deviceId: 'all' },
      ip: request.ip,
    });
  });
}
