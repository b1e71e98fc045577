import { endpoints } from '../../common/contract/endpoints';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { route, type ApiInstance } from '../http/route-types';
import type { Sessions } from '../sessions/sessions';
import type { TrustedDevices } from '../sessions/trusted-devices';
import type { LoginService } from './login-service';
import type { MfaLogin } from './mfa-login';

export interface LoginServices {
  /** The password step. */
  login: LoginService;
  /** The factor step of a login: challenge, verify, or a reset request when no factor is at hand. */
  mfaLogin: MfaLogin;
  sessions: Sessions;
  devices: TrustedDevices;
}

/** Everything a login is: POST /v1/login, its next steps (/v1/login/:loginId/*) and logout. */
export function loginRoutes(app: ApiInstance, ctx: ServerContext, s: LoginServices): void {
  const { login, mfaLogin, sessions, devices } = s;
  const anySession = requireSession(sessions, { allowEnrollment: true });

  route(app, endpoints.login, [], async (request) => login.login(request.body, request.ip));

  route(app, endpoints.challenge, [], async (request) =>
    mfaLogin.challenge(request.params.loginId, request.body.factorId, request.ip),
  );

  route(app, endpoints.verifyLogin, [], async (request) =>
    mfaLogin.verify(request.params.loginId, request.body, request.ip),
  );

  route(app, endpoints.requestMfaReset, [], async (request) =>
    mfaLogin.requestReset(request.params.loginId, request.body.reason, request.ip),
  );

  route(app, endpoints.logout, [anySession], async (request) => {
    const session = sessionOf(request);
    await ctx.db.transaction().execute(async (trx) => {
      await sessions.revoke(trx, session.id);
      // Explicit logout forgets this computer (rule 5); closing the app does not call this.
      if (request.body?.deviceToken)
        await devices.revokeByToken(trx, session.accountId, request.body.deviceToken);
      await ctx.audit.record(trx, {
        accountId: session.accountId,
        actor: 'user',
        action: 'session.revoked',
        detail: { reason: 'logout' },
        ip: request.ip,
      });
    });
  });
}
