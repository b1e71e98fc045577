import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { ServerContext } from '../context';
import { accountStore } from '../accounts/account-store';
import { acrValues } from '../sessions/authentication-methods';
import type { Session } from '../sessions/sessions';
import { requestSecretMethod, secretMethodOf } from './client-auth';
import type { OidcPayloadStore } from './payload-store';
import type { SigningJwk } from './signing-keys';

/** How long the provider keeps a session record that no one signed in to. */
export const anonymousSessionSeconds = 600;

/** Where oidc-provider's own endpoints live; discovery stays at /.well-known/openid-configuration. */
export const oidcPrefix = '/oidc';

export interface ProviderOptions {
  payloads: OidcPayloadStore;
  keys: SigningJwk[];
  /** Keys oidc-provider signs its cookies with, newest first. */
  cookieKeys: string[];
  /** The live portal session of the browser that sent these cookies, if any. */
  portalSession(cookieHeader: string | undefined): Promise<Session | undefined>;
  /**
   * The provider's outgoing requests (back-channel logout tokens). Defaults to oidc-provider's own,
   * which refuses private and loopback addresses; tests pass one that records instead.
   */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** RP-initiated logout ended the provider's session: end the portal's as well (docs/security.md 50). */
  onEndSession(answer: EndSessionAnswer): Promise<void>;
}

/** What the portal's sign-out needs of the logout request and its answer. */
export interface EndSessionAnswer {
  get(header: string): string;
  ip: string;
  append(header: string, value: string): void;
}

// acr and amr ride on the openid scope: every ID token carries them (docs/api.md).
const scopeClaims = {
  openid: ['sub', 'acr', 'amr', 'auth_time', 'sid'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name', 'locale'],
  acr: null,
  amr: null,
  auth_time: null,
  sid: null,
};

/** The auth_time the provider records for a portal session (seconds). */
export function authTimeOf(session: Session): number {
  return Math.floor(session.createdAt / 1000);
}

/** The acr of a portal session; full sessions from before the portal had a factor checked. */
export function acrOf(session: Session): string {
  return session.acr ?? acrValues.mfa;
}

/** A page of the provider's own (an error, the logout question): no script, nothing external. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto">${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The WEM Login Portal's OpenID provider (docs/oidc.md): authorization code flow with PKCE (required for
 * public clients), refresh tokens rotated on every use (a replayed one revokes its grant), userinfo,
 * RP-initiated and back-channel logout. Sign-in and consent happen on the portal's pages
 * (/portal/interaction/:uid); the provider's session counts only while the browser's portal session
 * lives, so a portal sign-out is a sign-out for every client.
 */
export function createProvider(ctx: ServerContext, options: ProviderOptions): Provider {
  const policy = interactionPolicy.base();
  // The provider's own session says who signed in; the portal session says whether that still holds
  // (signed out, expired, revoked elsewhere): without it, every client asks for a sign-in again. It
  // must be the very sign-in the provider recorded (same time, same acr): after a weaker sign-in in
  // this browser, a client must not be told the stronger one (docs/security.md 41).
  policy.get('login')?.checks.add(
    new interactionPolicy.Check(
      'portal_session',
      'The portal session has ended or changed',
      async (koa: KoaContextWithOIDC) => {
        const recorded = koa.oidc.session;
        if (!recorded?.accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const session = await options.portalSession(koa.get('cookie') || undefined);
        const same =
          session?.accountId === recorded.accountId &&
          session.scope === 'full' &&
          recorded.loginTs === authTimeOf(session) &&
          recorded.acr === acrOf(session);
        return same ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
    0,
  );

  const configuration: Configuration = {
    adapter: options.payloads.adapterFor,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    clients: [],
    jwks: { keys: options.keys },
    cookies: {
      keys: options.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    acrValues: [acrValues.mfa, acrValues.trustedDevice],
    claims: scopeClaims,
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    // Every refresh rotates the token, for every client; oidc-provider revokes the grant when a used one
    // comes back (docs/security.md 44).
    rotateRefreshToken: true,
    // A browser may call the token and userinfo endpoints only from the origin of one of the client's
    // redirect URIs (oidc-provider's default, stated here so it is a decision, not a default).
    clientBasedCORS: (_koa, origin, client) =>
      origin !== 'null' && (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      // A client revokes only its own tokens.
      revocation: {
        enabled: true,
        allowedPolicy: async (_koa, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (koa, form) => {
          koa.body = page(
            'Sign out',
            `<h1>Sign out of WEM?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
          );
        },
        postLogoutSuccessSource: async (koa) => {
          koa.body = page('Signed out', '<h1>You are signed out of WEM.</h1>');
        },
      },
    },
    interactions: {
      policy,
      url: async (_koa, interaction) => `/portal/interaction/${interaction.uid}`,
    },
    routes: {
      authorization: `${oidcPrefix}/auth`,
      token: `${oidcPrefix}/token`,
      userinfo: `${oidcPrefix}/me`,
      jwks: `${oidcPrefix}/jwks`,
      end_session: `${oidcPrefix}/session/end`,
      revocation: `${oidcPrefix}/token/revocation`,
      introspection: `${oidcPrefix}/token/introspection`,
      pushed_authorization_request: `${oidcPrefix}/request`,
      code_verification: `${oidcPrefix}/device`,
      device_authorization: `${oidcPrefix}/device/auth`,
      backchannel_authentication: `${oidcPrefix}/backchannel`,
      registration: `${oidcPrefix}/reg`,
      challenge: `${oidcPrefix}/challenge`,
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 1800,
      // oidc-provider keeps a session record for anyone who reaches, say, the logout page (its xsrf
      // secret): one without an account lives minutes, not weeks, so anonymous requests cannot pile
      // rows up.
      Session: (_koa, session) => (session.accountId ? 14 * 86_400 : anonymousSessionSeconds),
      Grant: 30 * 86_400,
      RefreshToken: 30 * 86_400,
    },
    findAccount: async (_koa, sub) => {
      const account = await accountStore.profile(ctx.db, sub);
      if (!account) return undefined;
      return {
        accountId: account.id,
        // sub is the account id: stable when the address changes (docs/oidc.md).
        claims: async () => ({
          sub: account.id,
          email: account.email,
          email_verified: true,
          name: `${account.first_name} ${account.last_name}`.trim(),
          given_name: account.first_name,
          family_name: account.last_name,
          locale: account.locale,
        }),
      };
    },
    renderError: async (koa, out) => {
      koa.type = 'html';
      koa.body = page(
        'Sign-in problem',
        `<h1>This sign-in cannot go on</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(
          String(out.error_description ?? ''),
        )}</p>`,
      );
    },
  };
  const provider = new Provider(ctx.config.publicUrl, configuration);
  provider.proxy = ctx.config.trustProxy;
  // The event comes while the logout answer is being made; the portal's sign-out (cookies included)
  // must be part of that answer, so the event only marks it and the middleware does it.
  provider.on('end_session.success', (koa: KoaContextWithOIDC) => {
    (koa.state as { portalSignOut?: boolean }).portalSignOut = true;
  });
  provider.use(async (koa, next) => requestSecretMethod.run(secretMethodOf(koa.get('authorization')), next));
  provider.use(async (koa, next) => {
    await next();
    if ((koa.state as { portalSignOut?: boolean }).portalSignOut) await options.onEndSession(koa);
  });
  provider.on('backchannel.error', (_koa: unknown, error: Error) => {
    ctx.log.warn({ reason: error.message }, 'back-channel logout could not be delivered');
  });
  provider.on('server_error', (_koa: unknown, error: Error) => {
    ctx.log.error({ err: error }, 'OpenID provider error');
  });
  return provider;
}
