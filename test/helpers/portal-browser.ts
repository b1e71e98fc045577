import * as oidc from 'openid-client';
import type { AccountApi } from '../../server/app';
import type { NewClient } from '../../server/oidc/client-store';
import type { TestApi } from './harness';

/**
 * A browser for the WEM Login Portal without a window: a cookie jar (paths, Max-Age and expiry honoured)
 * that follows redirects within the portal and calls the portal's bridge exactly as the page does
 * (docs/api.md, "Login portal"). Requests go through Fastify's inject to the instance it is pointed at.
 */
export class PortalBrowser {
  private readonly jar = new Map<string, { value: string; path: string }>();
  readonly origin: string;

  constructor(
    private api: AccountApi,
    publicUrl: string,
  ) {
    this.origin = new URL(publicUrl).origin;
  }

  /** Points the browser at another instance behind the same address (a load balancer's choice). */
  use(api: AccountApi): void {
    this.api = api;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name)?.value;
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, { value, path: '/' });
  }

  cookies(): string[] {
    return [...this.jar.keys()];
  }

  private cookieHeader(path: string): string {
    return [...this.jar.entries()]
      .filter(([, cookie]) => path.startsWith(cookie.path))
      .sort((a, b) => b[1].path.length - a[1].path.length)
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  private keep(setCookie: string | string[] | undefined): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = val;
        if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
        if (key.toLowerCase() === 'expires' && Date.parse(val) < Date.now()) expired = true;
      }
      if (expired) this.jar.delete(name);
      else this.jar.set(name, { value, path });
    }
  }

  /** One request with the jar's cookies; answers are kept in the jar. */
  async send(
    method: 'GET' | 'POST',
    url: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<{
    status: number;
    location: string | undefined;
    body: string;
    headers: Record<string, unknown>;
  }> {
    const target = new URL(url, this.origin);
    if (target.origin !== this.origin) throw new Error(`not the portal: ${url}`);
    const cookie = this.cookieHeader(target.pathname);
    const response = await this.api.app.inject({
      method,
      url: target.pathname + target.search,
      headers: { host: target.host, ...(cookie ? { cookie } : {}), ...options.headers },
      ...(options.body === undefined ? {} : { payload: options.body }),
    });
    this.keep(response.headers['set-cookie']);
    const location = response.headers.location;
    return {
      status: response.statusCode,
      location: typeof location === 'string' ? new URL(location, target).href : undefined,
      body: response.body,
      headers: response.headers,
    };
  }

  /**
   * Follows redirects from `url` while they stay on the provider and its interactions; returns where
   * the browser lands: the portal page, a relying party's address, or a page that is not a redirect.
   */
  async visit(
    url: string,
  ): Promise<{ url: string; status: number; body: string; headers: Record<string, unknown> }> {
    let current = new URL(url, this.origin).href;
    for (let hops = 0; hops < 10; hops += 1) {
      const target = new URL(current);
      if (target.origin !== this.origin || target.pathname === '/portal/')
        return { url: current, status: 0, body: '', headers: {} };
      const response = await this.send('GET', current);
      if (response.status < 300 || response.status >= 400 || !response.location)
        return { url: current, status: response.status, body: response.body, headers: response.headers };
      current = response.location;
    }
    throw new Error('too many redirects');
  }

  /** A call of the portal page to its server: POST /portal/api/<channel> with the page's headers. */
  async call(
    channel: string,
    payload: unknown = {},
    headers: Record<string, string> = { 'x-wem-portal': '1', origin: this.origin },
  ): Promise<{
    status: number;
    ok: boolean;
    value: ReturnType<typeof JSON.parse>;
    error: ReturnType<typeof JSON.parse>;
  }> {
    const response = await this.send('POST', `/portal/api/${channel}`, {
      body: JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...headers },
    });
    const envelope = JSON.parse(response.body);
    return { status: response.status, ok: envelope.ok, value: envelope.value, error: envelope.error };
  }
}

/** A fetch for openid-client that reaches the API through inject, as a relying party's server would over HTTP. */
export function injectFetch(api: () => AccountApi): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = { host: url.host };
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const body = init?.body;
    const response = await api().app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(body === undefined || body === null
        ? {}
        : { payload: typeof body === 'string' ? body : String(body) }),
    });
    const answerHeaders = new Headers();
    for (const [key, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [String(value)]) answerHeaders.append(key, one);
    }
    const empty = response.statusCode === 204 || response.statusCode === 304;
    return new Response(empty ? null : response.rawPayload, {
      status: response.statusCode,
      headers: answerHeaders,
    });
  };
}

export const modeler: NewClient = {
  id: 'wem-modeler',
  name: 'WEM Modeler',
  redirectUris: ['https://modeler.example.test/callback'],
  postLogoutRedirectUris: ['https://modeler.example.test/signed-out'],
  public: true,
  firstParty: true,
  backchannelLogoutUri: undefined,
  launchUrl: 'https://modeler.example.test/',
};

/** openid-client set up for a client of the test API, its requests through `api`. */
export async function relyingParty(
  t: TestApi,
  client: { id: string; secret?: string | undefined; secretInBody?: boolean },
  api: () => AccountApi = () => t.api,
): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(t.config.publicUrl),
    client.id,
    undefined,
    client.secret
      ? client.secretInBody
        ? oidc.ClientSecretPost(client.secret)
        : oidc.ClientSecretBasic(client.secret)
      : oidc.None(),
    { execute: [oidc.allowInsecureRequests], [oidc.customFetch]: injectFetch(api) },
  );
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/** An authorization request as a relying party makes it: PKCE S256, state and nonce. */
export async function authorizationRequest(
  config: oidc.Configuration,
  extra: Record<string, string> = {},
  redirectUri = 'https://modeler.example.test/callback',
): Promise<AuthorizationRequest> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile offline_access',
    prompt: 'consent',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

/** The interaction uid of the portal page the browser was sent to. */
export function interactionOf(url: string): string {
  const uid = new URL(url).searchParams.get('interaction');
  if (!uid) throw new Error(`not an interaction page: ${url}`);
  return uid;
}
