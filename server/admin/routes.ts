import {
  auditList,
  auditQuery,
  decisionRequest,
  resetRequestList,
  resetRequestQuery,
  resetRequestView,
} from '../../common/contract/http';
import { z } from 'zod';
import type { ServerContext } from '../context';
import { requireSession, sessionOf } from '../http/auth';
import { errorResponses, type ApiInstance } from '../http/route-types';
import type { Sessions } from '../login/sessions';
import { iso } from '../support/clock';
import type { MfaResets } from './mfa-resets';
import { requireRecentFactor, requireRole } from './roles';

const bearer = [{ bearer: [] }];
const idParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
});

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

  app.get(
    '/v1/admin/mfa-reset-requests',
    {
      preHandler,
      schema: {
        tags: ['support'],
        summary: 'MFA reset requests, optionally by status',
        security: bearer,
        querystring: resetRequestQuery,
        response: { 200: resetRequestList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => resets.list(request.query.status),
  );

  for (const decision of ['approve', 'deny'] as const) {
    app.post(
      `/v1/admin/mfa-reset-requests/:id/${decision}`,
      {
        preHandler: decisionPreHandler,
        schema: {
          tags: ['support'],
          summary:
            decision === 'approve'
              ? 'Approve: remove every factor, session and trusted computer; the user enrolls again'
              : 'Deny: nothing changes; the user is told',
          security: bearer,
          params: idParams,
          body: decisionRequest,
          response: { 200: resetRequestView, ...errorResponses(400, 401, 403, 404, 409) },
          description: 'Needs a factor proven within the last 10 minutes (a step-up), else step_up_required.',
        },
      },
      async (request) =>
        resets.decide(
          request.params.id,
          decision,
          request.body.note,
          { kind: 'support', accountId: sessionOf(request).accountId },
          request.ip,
        ),
    );
  }

  app.get(
    '/v1/admin/audit',
    {
      preHandler,
      schema: {
        tags: ['support'],
        summary: 'The audit log, newest first, optionally of one account',
        security: bearer,
        querystring: auditQuery,
        response: { 200: auditList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      let query = ctx.db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('at', 'desc')
        .limit(request.query.limit ?? 200);
      if (request.query.accountId) query = query.where('account_id', '=', request.query.accountId);
      const rows = await query.execute();
      return rows.map((r) => ({
        id: r.id,
        at: iso(r.at),
        accountId: r.account_id,
        actor: r.actor,
        action: r.action,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
        ip: r.ip,
      }));
    },
  );
}
