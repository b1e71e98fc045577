import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { z } from 'zod';
import type { ApiInstance } from '../http/route-types';
import type { ClientStore } from '../oidc/client-store';
import type { OidcPayloadStore } from '../oidc/payload-store';
import { acrOf, authTimeOf } from '../oidc/provider';
import { acrValues } from '../sessions/authentication-methods';
import type { Session } from '../sessions/sessions';
import { clearCookie, setCookie } from './cookies';
import type { PortalServices } from './portal-services';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** How long a demand for a fresh factor is remembered: the life of an interaction. */
const freshSignInTtlSeconds = 1800;

const consentBody = z.object({ approve: z.boolean() }).strict();
const requestedClaims = z
  .object({
    id_token: z.record(z.string(), z.unknown().nullable()).optional(),
    userinfo: z.record(z.string(), z.unknown().nullable()).optional(),
  })
  .partial();
const acrRequest = z.object({
  essential: z.boolean().optional(),
  value: z.string().optional(),
  values: z.array(z.string()).optional(),
});

/** The acr values a request demands (an essential `acr` claim), or undefined when it demands none. */
function essentialAcrs(interaction: Interaction): string[] | undefined {
  const raw = interaction.params.claims;
  if (typeof raw !== 'string') return undefined;
  let claims;
  try {
    claims = requestedClaims.parse(JSON.parse(raw));
  } catch {
    return undefined;
  }
  const acr = acrRequest.safeParse(claims.id_token?.acr ?? claims.userinfo?.acr);
  if (!acr.success || !acr.data.essential) return undefined;
  return acr.data.values ?? (acr.data.value ? [acr.data.value] : undefined);
}

function clientIdOf(interaction: Interaction): string {
  return String(interaction.params.client_id);
}

/** The page and its security headers for answers these routes give themselves (docs/security.md 46). */
function problemPage(reply: FastifyReply, status: number, text: string) {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>WEM Login Portal</title></head>` +
        `<body><h1>This sign-in cannot go on</h1><p>${text}</p></body></html>`,
    );
}

/**
 * The OpenID provider's interactions (docs/api.md, "Login portal"): GET /portal/interaction/:uid finishes
 * at once when the browser's portal session satisfies the request, else sends the browser to the
 * portal page; /continue finishes after a sign-in there; /details and /consent serve the consent screen
 * of a third-party client. First-party clients never see one.
 */
export function portalInteractions(
  app: ApiInstance,
  s: PortalServices,
  providerNow: () => Promise<Provider>,
  clients: ClientStore,
  payloads: OidcPayloadStore,
): void {
  const { ctx, cookies, secure } = s;
  const origin = new URL(ctx.config.publicUrl).origin;

  async function details(request: FastifyRequest, reply: FastifyReply): Promise<Interaction | undefined> {
    const provider = await providerNow();
    try {
      const interaction = await provider.interactionDetails(request.raw, reply.raw);
      const uid = (request.params as { uid?: string }).uid;
      return interaction.uid === uid ? interaction : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Whether the request demands a factor checked in a new sign-in, rather than the browser's session:
   * prompt=login, a max_age the session is older than, or an essential acr the session does not have
   * (docs/security.md 41).
   */
  function needsFreshFactor(interaction: Interaction, session: Session): boolean {
    const prompt = String(interaction.params.prompt ?? '').split(' ');
    if (prompt.includes('login')) return true;
    const maxAge = Number(interaction.params.max_age);
    if (interaction.params.max_age !== undefined && Number.isFinite(maxAge)) {
      if (ctx.clock.now() - session.createdAt > maxAge * 1000) return true;
    }
    const acrs = essentialAcrs(interaction);
    return acrs !== undefined && !acrs.includes(session.acr ?? '');
  }

  /**
   * The client named another account than the one signed in (id_token_hint, a requested sub): the
   * browser's session cannot answer that, only a sign-in on the page can (else the provider would ask
   * again at once, for ever).
   */
  function asksForAnotherAccount(interaction: Interaction): boolean {
    return interaction.prompt.reasons.some((r) => r === 'id_token_hint' || r === 'claims_id_token_sub_value');
  }

  /** Whether the request asks for a recent or stronger sign-in at all, whoever is signed in now. */
  function demandsFreshFactor(interaction: Interaction): boolean {
    return (
      String(interaction.params.prompt ?? '')
        .split(' ')
        .includes('login') ||
      interaction.params.max_age !== undefined ||
      essentialAcrs(interaction) !== undefined
    );
  }

  async function isFirstParty(interaction: Interaction): Promise<boolean> {
    return (await clients.find(clientIdOf(interaction)))?.firstParty === true;
  }

  /** A grant of what the client asked for: the first-party default, or what the user approved. */
  async function grantFor(interaction: Interaction, accountId: string): Promise<string> {
    const provider = await providerNow();
    const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId: clientIdOf(interaction) });
    grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
    const raw = interaction.params.claims;
    if (typeof raw === 'string') {
      const claims = requestedClaims.safeParse(JSON.parse(raw));
      if (claims.success)
        grant.addOIDCClaims([
          ...Object.keys(claims.data.id_token ?? {}),
          ...Object.keys(claims.data.userinfo ?? {}),
        ]);
    }
    return grant.save();
  }

  async function finishLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    interaction: Interaction,
    session: Session,
  ) {
    const result: InteractionResults = {
      login: {
        accountId: session.accountId,
        acr: acrOf(session),
        amr: session.amr,
        ts: authTimeOf(session),
        // The provider's session cookie ends with the browser, like the portal's (docs/api.md).
        remember: false,
      },
    };
    if (await isFirstParty(interaction))
      result.consent = { grantId: await grantFor(interaction, session.accountId) };
    const provider = await providerNow();
    const to = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    clearCookie(reply, cookies.fresh, secure);
    return reply.status(303).header('cache-control', 'no-store').redirect(to, 303);
  }

  async function toSignInPage(reply: FastifyReply, interaction: Interaction, fresh: boolean) {
    if (fresh) {
      await payloads.requireFreshSignIn(interaction.uid, ctx.clock.now(), freshSignInTtlSeconds);
      setCookie(reply, cookies.fresh, '1', { secure });
    } else {
      // Left over from a sign-in that was abandoned: the trusted cookie may stand in again.
      clearCookie(reply, cookies.fresh, secure);
    }
    return reply.redirect(`/portal/?interaction=${encodeURIComponent(interaction.uid)}`, 303);
  }

  async function fullSession(request: FastifyRequest): Promise<Session | undefined> {
    const session = await s.browserSession(request.headers.cookie);
    return session?.scope === 'full' ? session : undefined;
  }

  app.get<{ Params: { uid: string } }>(
    '/portal/interaction/:uid',
    { schema: { hide: true } },
    async (request, reply) => {
      const interaction = await details(request, reply);
      if (!interaction)
        return problemPage(reply, 400, 'This sign-in has expired. Start it again from the app.');
      const session = await fullSession(request);
      if (interaction.prompt.name === 'login') {
        if (session && !needsFreshFactor(interaction, session) && !asksForAnotherAccount(interaction))
          return finishLogin(request, reply, interaction, session);
        return toSignInPage(reply, interaction, demandsFreshFactor(interaction));
      }
      if (interaction.prompt.name === 'consent') {
        if (!session || session.accountId !== interaction.session?.accountId)
          return toSignInPage(reply, interaction, false);
        if (await isFirstParty(interaction)) {
          const provider = await providerNow();
          const to = await provider.interactionResult(
            request.raw,
            reply.raw,
            { consent: { grantId: await grantFor(interaction, session.accountId) } },
            { mergeWithLastSubmission: true },
          );
          return reply.redirect(to, 303);
        }
        return reply.redirect(`/portal/?interaction=${encodeURIComponent(interaction.uid)}&consent=1`, 303);
      }
      return problemPage(reply, 400, 'This sign-in asks for something the portal cannot do.');
    },
  );

  app.get<{ Params: { uid: string } }>(
    '/portal/interaction/:uid/continue',
    { schema: { hide: true } },
    async (request, reply) => {
      const interaction = await details(request, reply);
      if (!interaction)
        return problemPage(reply, 400, 'This sign-in has expired. Start it again from the app.');
      if (interaction.prompt.name !== 'login')
        return reply.redirect(`/portal/interaction/${encodeURIComponent(interaction.uid)}`, 303);
      const session = await fullSession(request);
      if (!session) return toSignInPage(reply, interaction, false);
      const freshSince = await payloads.freshSignInSince(interaction.uid);
      if (freshSince !== undefined) {
        // A demanded fresh factor: a session from before the demand, or one a trusted computer opened,
        // does not do (docs/security.md 41).
        if (session.createdAt < freshSince || session.acr !== acrValues.mfa)
          return toSignInPage(reply, interaction, true);
      } else if (needsFreshFactor(interaction, session)) {
        return toSignInPage(reply, interaction, true);
      }
      return finishLogin(request, reply, interaction, session);
    },
  );

  app.get<{ Params: { uid: string } }>(
    '/portal/interaction/:uid/details',
    { schema: { hide: true } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const interaction = await details(request, reply);
      const session = await fullSession(request);
      if (!interaction || !session || session.accountId !== interaction.session?.accountId)
        return reply.status(404).send({ error: { code: 'not_found', message: 'No such sign-in.' } });
      const client = await clients.find(clientIdOf(interaction));
      const missing = interaction.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
      };
      return {
        clientName: client?.name ?? clientIdOf(interaction),
        scopes: missing.missingOIDCScope ?? String(interaction.params.scope ?? 'openid').split(' '),
        claims: missing.missingOIDCClaims ?? [],
      };
    },
  );

  app.post<{ Params: { uid: string } }>(
    '/portal/interaction/:uid/consent',
    { schema: { hide: true } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const from = request.headers.origin;
      if (request.headers['x-wem-portal'] !== '1' || (from !== undefined && from !== origin))
        return reply.status(403).send({ error: { code: 'forbidden', message: 'Not from the portal.' } });
      const body = consentBody.safeParse(request.body);
      const interaction = await details(request, reply);
      const session = await fullSession(request);
      if (!body.success)
        return reply
          .status(400)
          .send({ error: { code: 'validation_failed', message: 'approve is needed.' } });
      if (
        !interaction ||
        interaction.prompt.name !== 'consent' ||
        !session ||
        session.accountId !== interaction.session?.accountId
      )
        return reply.status(404).send({ error: { code: 'not_found', message: 'No such sign-in.' } });
      const result: InteractionResults = body.data.approve
        ? { consent: { grantId: await grantFor(interaction, session.accountId) } }
        : { error: 'access_denied', error_description: 'The user did not allow this application.' };
      const provider = await providerNow();
      const redirectTo = await provider.interactionResult(request.raw, reply.raw, result, {
        mergeWithLastSubmission: true,
      });
      return { redirectTo };
    },
  );
}
