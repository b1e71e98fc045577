import { endpoints } from '../../common/contract/endpoints';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { route, type ApiInstance, type EndpointRequest } from '../http/route-types';
import type { Sessions } from '../sessions/sessions';
import { iso } from '../support/clock';
import type { MfaResets } from './mfa-resets';
import { requireRecentFactor, requireRole } from './roles';

/** The support API: MFA reset decisions and the audit log, for accounts with the support role. */
export function adminRoutes(
  app: ApiInstance,
  ctx: ServerContext,
  sessions: Sessions,
  resets: MfaResets,
): void {
  const preHandler = [requireSession(sessions), requireRole(ctx, 'support')];
  // A decision wipes or keeps someone's factors: it needs a factor proven in the last minutes, not
  // just a session, which a trusted computer opens with a password alone (docs/security.md 35).
  const decisionPreHandler = [...preHandler, requireRecentFactor(ctx)];

  route(app, endpoints.listMfaResetRequests, preHandler, async (request) =>
    resets.list(request.query.status),
  );

  const decide =
    (decision: 'approve' | 'deny') =>
    async (request: EndpointRequest<typeof endpoints.approveMfaReset | typeof endpoints.denyMfaReset>) =>
      resets.decide(
        request.params.id,
        decision,
        request.body.note,
        { kind: 'support', accountId: sessionOf(request).accountId },
        request.ip,
      );
  route(app, endpoints.approveMfaReset, decisionPreHandler, decide('approve'));
  route(app, endpoints.denyMfaReset, decisionPreHandler, decide('deny'));

  route(app, endpoints.auditLog, preHandler, async (request) => {
    const rows = await ctx.audit.list(ctx.db, {
      accountId: request.query.accountId,
      limit: request.query.limit ?? 200,
    });
    return rows.map((r) => ({
      id: r.id,
      at: iso(r.at),
      accountId: r.account_id,
      actor: r.actor,
      action: r.action,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      ip: r.ip,
    }));
  });
}
