import { endpoints } from '../../common/contract/endpoints';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { route, type ApiInstance } from '../http/route-types';
import type { LoginService } from './login-service';
import { myDetails } from './me';
import type { Sessions } from './sessions';
import type { TrustedDevices } from '../mfa/trusted-devices';

export function loginRoutes(
  app: ApiInstance,
  ctx: ServerContext,
  login: LoginService,
  sessions: Sessions,
  devices: TrustedDevices,
): void {
  const anySession = requireSession(sessions, { allowEnrollment: true });

  route(app, endpoints.login, [], async (request) => login.login(request.body, request.ip));

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

  route(app, endpoints.me, [anySession], async (request) => myDetails(ctx.db, sessionOf(request)));
}
