import type { IpcHandler } from '../ipc-router';
import { DesktopError } from '../desktop-error';
import type { SessionHolder } from '../session-holder';
import type { ServerConnection } from './server-connection';

/** Hands a URL to the system browser: Electron's `shell.openExternal`, a recorder in tests. */
export type OpenExternal = (url: string) => Promise<void>;

export interface AppsDeps {
  server: ServerConnection;
  session: SessionHolder;
  /** Absent where there is no system browser to hand a URL to. */
  openExternal: OpenExternal | undefined;
}

function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * A portal hand-off address as POST /v1/handoff makes it (docs/api.md, "Login portal"): https, or http
 * on this computer for development, no credentials, ending in `/portal/handoff` with a query. Anything
 * else from the server is not handed to the system browser (docs/security.md 78).
 */
export function isHandoffUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  return (
    secure &&
    url.username === '' &&
    url.password === '' &&
    url.hash === '' &&
    url.pathname.endsWith('/portal/handoff') &&
    url.searchParams.has('ticket')
  );
}

/**
 * "Open Modeler / Open MyWEM" (docs/architecture.md, "Opening WEM apps"): the list of first-party apps
 * and the hand-off. Main asks for the one-time URL with its session and opens it in the system
 * browser; the renderer only learns that it was opened (docs/security.md 77).
 */
export function appsHandlers(deps: AppsDeps): {
  'apps.list': IpcHandler<'apps.list'>;
  'apps.open': IpcHandler<'apps.open'>;
} {
  const { server, session, openExternal } = deps;
  return {
    'apps.list': () =>
      session.use(async (token) =>
        (await server.client.apps(token)).map(({ clientId, name }) => ({ clientId, name })),
      ),

    'apps.open': async ({ clientId }) => {
      if (!openExternal) throw new DesktopError('capability_unavailable');
      const { url } = await session.use((token) => server.client.handoff(token, clientId));
      if (!isHandoffUrl(url)) throw new DesktopError('server_error');
      try {
        await openExternal(url);
      } catch {
        // The ticket is spent in a minute anyway; the user can simply try again.
        throw new DesktopError('browser_not_opened');
      }
      return { opened: true };
    },
  };
}
