import type { WemAccountBridge } from '../../../common/contract/bridge';
import type { IpcResult } from '../../../common/contract/ipc';
import { eventHub, failure } from './bridge-parts';

/**
 * The third bridge (docs/architecture.md "The WEM Login Portal"): in the browser at `/portal/`, the
 * IPC channels go as same-origin HTTP calls to the API process, `POST /portal/api/<channel>` with the
 * channel's payload as JSON, and come back as the same IpcResult envelope the web host sends. The
 * session is the portal's HttpOnly cookie, which the page never sees; `X-WEM-Portal: 1` is the CSRF
 * defence (a custom header cannot cross origins without a preflight the server never grants).
 *
 * Everything the browser provides is passed in, so Node tests drive it with a fake fetch.
 */
export interface PortalTransportDeps {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  /** `navigator.onLine` at the time of asking. */
  online: () => boolean;
  /** Subscribes to the window's `online`/`offline` events; returns the unsubscribe. */
  watchConnectivity: (listener: (online: boolean) => void) => () => void;
}

/** The path every channel is posted to (the portal protocol, docs/api.md "WEM Login Portal"). */
export const portalApiPath = '/portal/api/';

/** Calls after which the server has no session for this browser: the page goes back to sign-in. */
const sessionGone: ReadonlySet<string> = new Set(['unauthenticated']);

/**
 * Answers to these are the user's own doing and need no `sessionEnded`: a sign-out that finds the
 * session already gone is still a sign-out.
 */
const quietChannels: ReadonlySet<string> = new Set(['session.logout']);

/** The envelope's outer shape; the screens read the fields they know, by code (lib/errors.ts). */
function isEnvelope(value: unknown): value is IpcResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (record.ok === true) return 'value' in record;
  if (record.ok !== false || typeof record.error !== 'object' || record.error === null) return false;
  const error = record.error as Record<string, unknown>;
  return typeof error.code === 'string' && typeof error.message === 'string';
}

export function portalBridge(deps: PortalTransportDeps): WemAccountBridge {
  const { on, emit } = eventHub();
  deps.watchConnectivity((online) => emit('connectivity', { online }));

  async function call(channel: string, payload: unknown): Promise<IpcResult<unknown>> {
    let response: Response;
    try {
      response = await deps.fetch(`${portalApiPath}${encodeURIComponent(channel)}`, {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { 'Content-Type': 'application/json', 'X-WEM-Portal': '1' },
        body: JSON.stringify(payload ?? {}),
      });
    } catch {
      // No answer at all: the network, or the server is down. The browser's own flag says which
      // banner fits, but either way the call did not reach the server.
      return failure('offline');
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    // A refusal (403 forbidden_sender) still carries the envelope; a proxy's 502 page does not.
    if (isEnvelope(body)) return body;
    return failure(response.status >= 500 || response.ok ? 'server_error' : 'invalid_request');
  }

  return {
    async invoke(channel, payload) {
      const result = await call(channel, payload);
      if (!result.ok && sessionGone.has(result.error.code) && !quietChannels.has(channel))
        // The server does not say why; in a browser an idle or closed session is the usual reason.
        emit('sessionEnded', { reason: 'expired' });
      if (!result.ok && result.error.code === 'offline' && !deps.online())
        emit('connectivity', { online: false });
      // The envelope is exactly what the web host would answer for this channel (the portal protocol).
      return result as never;
    },
    on,
  };
}
