import { endpoints } from '../../common/contract/endpoints';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { requireSession, sessionOf } from '../http/auth';
import { route, type ApiInstance } from '../http/route-types';
import type { Sessions } from '../sessions/sessions';
import type { ClientStore } from './client-store';
import type { HandoffTickets } from './handoff-tickets';

/** GET /v1/apps and POST /v1/handoff: the desktop app opening a registered app already signed in. */
export function portalApiRoutes(
  app: ApiInstance,
  ctx: ServerContext,
  s: { sessions: Sessions; clients: ClientStore; tickets: HandoffTickets },
): void {
  const anySession = [requireSession(s.sessions, { allowEnrollment: true })];

  route(app, endpoints.apps, anySession, async () =>
    (await s.clients.list()).flatMap((client) =>
      client.firstParty && client.launchUrl
        ? [{ clientId: client.clientId, name: client.name, launchUrl: client.launchUrl }]
        : [],
    ),
  );

  route(app, endpoints.handoff, anySession, async (request) => {
    const session = sessionOf(request);
    // Enrolling is all an enrollment session may do (docs/security.md 32).
    if (session.scope !== 'full') throw new ApiError('forbidden');
    const client = await s.clients.find(request.body.clientId);
    if (!client?.firstParty || !client.launchUrl) throw new ApiError('client_not_found');
    const ticket = await s.tickets.issue(ctx.db, session, client.clientId);
    const url = new URL('/portal/handoff', ctx.config.publicUrl);
    url.searchParams.set('client', client.clientId);
    url.searchParams.set('ticket', ticket.token);
    await ctx.audit.record(ctx.db, {
      accountId: session.accountId,
      actor: 'user',
      action: 'portal.handoff_issued',
      detail: { clientId: client.clientId },
      ip: request.ip,
    });
    return { url: url.href, expiresAt: ticket.expiresAt };
  });
}
