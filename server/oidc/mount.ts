import type Provider from 'oidc-provider';
import type { ApiInstance } from '../http/route-types';
import { oidcPrefix } from './provider';

/**
 * Serves oidc-provider (a Koa application) from the Fastify app: discovery at
 * /.well-known/openid-configuration, everything else under /oidc/. Fastify leaves the request body
 * unread in this scope, so the provider parses its own form posts; its answers get the same framing and
 * sniffing protection as the portal's pages (docs/security.md 46).
 */
export async function mountProvider(app: ApiInstance, providerNow: () => Promise<Provider>): Promise<void> {
  let callback: ReturnType<Provider['callback']> | undefined;
  let callbackOf: Provider | undefined;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handler = async (
      request: { raw: Parameters<ReturnType<Provider['callback']>>[0] },
      reply: {
        hijack(): void;
        raw: Parameters<ReturnType<Provider['callback']>>[1];
      },
    ) => {
      // Before the hijack: a database that is away is the usual 503 (docs/operations.md).
      const provider = await providerNow();
      if (callbackOf !== provider) {
        callback = provider.callback();
        callbackOf = provider;
      }
      reply.hijack();
      reply.raw.setHeader('x-content-type-options', 'nosniff');
      reply.raw.setHeader('x-frame-options', 'DENY');
      reply.raw.setHeader(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      );
      reply.raw.setHeader('referrer-policy', 'no-referrer');
      await callback?.(request.raw, reply.raw);
    };
    // Only the endpoints this provider enables (docs/api.md); OPTIONS for the CORS preflight of the
    // endpoints a browser-based client may call.
    const routes: [string, ('GET' | 'POST' | 'OPTIONS')[]][] = [
      ['/.well-known/openid-configuration', ['GET', 'OPTIONS']],
      [`${oidcPrefix}/auth`, ['GET', 'POST']],
      [`${oidcPrefix}/auth/:uid`, ['GET', 'POST']],
      [`${oidcPrefix}/token`, ['POST', 'OPTIONS']],
      [`${oidcPrefix}/token/revocation`, ['POST', 'OPTIONS']],
      [`${oidcPrefix}/me`, ['GET', 'POST', 'OPTIONS']],
      [`${oidcPrefix}/jwks`, ['GET', 'OPTIONS']],
      [`${oidcPrefix}/session/end`, ['GET', 'POST']],
      [`${oidcPrefix}/session/end/confirm`, ['POST']],
      [`${oidcPrefix}/session/end/success`, ['GET']],
    ];
    for (const [url, method] of routes) scope.route({ method, url, handler, schema: { hide: true } });
  });
}
