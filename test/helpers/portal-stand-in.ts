import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import { messageOf, type AnyErrorCode } from '../../common/contract/errors';
import type { IpcResult } from '../../common/contract/ipc';
import { createDesktopServices, type DesktopServices } from '../../electron/services/desktop-services';
import { MemorySettingsStore } from '../../electron/services/settings';
import type { ApiInstance } from '../../server/http/route-types';
import { portalPages } from '../../server/portal/pages';
import { MemorySecretStore } from './memory-secret-store';

/**
 * STAND-IN for the account API's portal bridge (server/portal/, issue 15's server side), for the
 * renderer's portal journey (test/e2e/portal.test.ts) until that bridge is merged. It serves the real
 * pages (server/portal/pages.ts) and speaks the portal protocol's HTTP shape — `POST
 * /portal/api/<channel>` with `X-WEM-Portal: 1` and a same-origin `Origin`, answered with the IpcResult
 * envelope — but behind it sits the desktop's services router (as the web host's does), talking to a
 * real account API: one user at a time, the session in memory, the "trusted computer" in a memory
 * keychain instead of the `wem_trusted` cookie. The interaction and consent routes are fakes that
 * only record what the page did.
 *
 * To switch the journey to the real bridge: start the API with its portal (buildApp registers both),
 * point the browser at the API's own address, and drop this file.
 */
export interface PortalStandIn {
  /** `http://127.0.0.1:<port>`: open `${url}/portal/`. */
  readonly url: string;
  readonly services: DesktopServices;
  /** The interaction ids whose `/continue` the page navigated to, in order. */
  readonly continued: string[];
  /** The consent answers the page posted, in order. */
  readonly consentAnswers: { uid: string; approve: boolean }[];
  /** Calls refused for a missing header or a foreign Origin (the CSRF rule). */
  readonly refusedCalls: string[];
  close(): Promise<void>;
}

/** The third-party client the fake consent route describes. */
export const consentClient = {
  uid: 'consent-demo',
  clientName: 'Acme Reports',
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: ['sub', 'email', 'email_verified', 'name'],
};

/** Channels the real portal answers `not_available` for: the desktop's own authenticator. */
function desktopOnly(channel: string, payload: unknown): boolean {
  if (channel.startsWith('authenticator.') || channel === 'factors.useThisComputer') return true;
  return (
    channel === 'settings.update' && typeof payload === 'object' && payload !== null && 'serverUrl' in payload
  );
}

function refusal(code: AnyErrorCode): IpcResult<never> {
  return { ok: false, error: { code, message: messageOf(code) } };
}

export async function startPortalStandIn(options: {
  rendererDir: string;
  apiUrl: string;
}): Promise<PortalStandIn> {
  const services = createDesktopServices({
    settings: new MemorySettingsStore({ serverUrl: options.apiUrl, language: 'en', theme: 'light' }),
    secrets: new MemorySecretStore(),
    version: '0.1.0',
    deviceName: 'Chromium on the test machine',
    onEvent: () => undefined,
  });
  const continued: string[] = [];
  const consentAnswers: { uid: string; approve: boolean }[] = [];
  const refusedCalls: string[] = [];
  let origin = '';

  const app: ApiInstance = Fastify({
    loggerInstance: pino({ level: 'silent' }),
  }).withTypeProvider<ZodTypeProvider>();
  await app.register(portalPages, { rendererDir: options.rendererDir });

  const fromThePage = (headers: Record<string, string | string[] | undefined>): boolean =>
    headers['x-wem-portal'] === '1' && (headers.origin === undefined || headers.origin === origin);

  app.post<{ Params: { channel: string } }>('/portal/api/:channel', async (request, reply) => {
    const { channel } = request.params;
    if (!fromThePage(request.headers)) {
      refusedCalls.push(channel);
      return reply.status(403).send(refusal('forbidden_sender'));
    }
    const payload = request.body ?? {};
    if (desktopOnly(channel, payload)) return refusal('not_available');
    return services.router.dispatch(channel, payload);
  });

  app.get<{ Params: { uid: string } }>('/portal/interaction/:uid/continue', async (request, reply) => {
    continued.push(request.params.uid);
    return reply
      .type('text/html; charset=utf-8')
      .send('<!doctype html><html lang="en"><title>Continued</title><h1>Back to the client</h1></html>');
  });

  app.get<{ Params: { uid: string } }>('/portal/interaction/:uid/details', async (request, reply) => {
    if (request.params.uid !== consentClient.uid) return reply.status(404).send({ error: 'not_found' });
    const { clientName, scopes, claims } = consentClient;
    return { clientName, scopes, claims };
  });

  app.post<{ Params: { uid: string }; Body: { approve?: unknown } }>(
    '/portal/interaction/:uid/consent',
    async (request, reply) => {
      if (!fromThePage(request.headers)) return reply.status(403).send({ error: 'forbidden_sender' });
      const approve = request.body?.approve === true;
      consentAnswers.push({ uid: request.params.uid, approve });
      return { redirectTo: `/relying-party/callback?approved=${approve}` };
    },
  );

  app.get('/relying-party/callback', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send('<!doctype html><html lang="en"><title>Relying party</title><h1>Relying party</h1></html>'),
  );

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    services,
    continued,
    consentAnswers,
    refusedCalls,
    async close() {
      await app.close();
      services.dispose();
    },
  };
}
