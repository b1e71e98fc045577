import type { ApiInstance } from '../http/route-types';
import type { ClientStore } from '../oidc/client-store';
import type { HandoffTickets } from '../oidc/handoff-tickets';
import { setCookie } from './cookies';
import type { PortalServices } from './portal-services';

/**
 * GET /portal/handoff?client=&ticket= (docs/api.md, "Login portal"): a desktop app's one-time ticket
 * becomes this browser's portal session, with the desktop session's amr and acr, and the browser goes
 * on to the client's launch URL. Anything wrong with the ticket leads to the ordinary sign-in page.
 */
export function handoffPage(
  app: ApiInstance,
  s: PortalServices,
  clients: ClientStore,
  tickets: HandoffTickets,
): void {
  app.get<{ Querystring: { client?: string; ticket?: string } }>(
    '/portal/handoff',
    { schema: { hide: true } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      const { client: clientId, ticket } = request.query;
      const client = clientId ? await clients.find(clientId) : undefined;
      const handedOff =
        client?.launchUrl && ticket && typeof clientId === 'string'
          ? await tickets.consume(ticket, clientId)
          : undefined;
      if (!client?.launchUrl || !handedOff) return reply.redirect('/portal/', 303);
      const previous = await s.browserSession(request.headers.cookie);
      const session = await s.ctx.db.transaction().execute(async (trx) => {
        if (previous) await s.sessions.revoke(trx, previous.id);
        const created = await s.sessions.create(trx, handedOff.accountId, {
          scope: 'full',
          amr: handedOff.amr,
          acr: handedOff.acr,
        });
        await s.ctx.audit.record(trx, {
          accountId: handedOff.accountId,
          actor: 'user',
          action: 'login.succeeded',
          detail: { handoff: client.clientId },
          ip: request.ip,
        });
        return created;
      });
      setCookie(reply, s.cookies.session, session.token, { secure: s.secure });
      return reply.redirect(client.launchUrl, 303);
    },
  );
}
