import type { WebHostMessage, WemAccountBridge } from '../../../common/contract/bridge';
import type { IpcChannel, IpcRequest, IpcResponse, IpcResult } from '../../../common/contract/ipc';
import { eventHub, failure } from './bridge-parts';
import { portalBridge } from './portal-transport';

declare global {
  interface Window {
    /** Set by the preload in Electron; absent in a browser, where the web host stands in. */
    readonly wemAccount?: WemAccountBridge;
  }
}

/**
 * Where this page runs: in Electron (the preload's `window.wemAccount`), in a browser through the
 * desktop's local web host, or as the WEM Login Portal served by the account API under `/portal/`
 * (docs/architecture.md "The WEM Login Portal"). The portal is known by its own address: no contract
 * field, nothing the server could get wrong.
 */
export type Host = 'electron' | 'web-host' | 'portal';
export const host: Host =
  window.wemAccount !== undefined
    ? 'electron'
    : window.location.pathname.startsWith('/portal/')
      ? 'portal'
      : 'web-host';

/**
 * The renderer's only way to main. In Electron that is the preload's `window.wemAccount`; in a
 * browser it is the web host's WebSocket, opened with the per-launch token the host put in the URL
 * fragment. The token is read once, kept in memory only (never in storage) and removed from the
 * address bar at once, so it does not linger in history or get copied along with the URL. In the
 * portal the same channels are same-origin HTTP calls with the browser's cookie session
 * (lib/portal-transport.ts).
 */
export const bridge: WemAccountBridge =
  window.wemAccount ??
  (host === 'portal'
    ? portalBridge({
        fetch: (input, init) => window.fetch(input, init),
        online: () => navigator.onLine,
        watchConnectivity: (listener) => {
          const online = () => listener(true);
          const offline = () => listener(false);
          window.addEventListener('online', online);
          window.addEventListener('offline', offline);
          return () => {
            window.removeEventListener('online', online);
            window.removeEventListener('offline', offline);
          };
        },
      })
    : webHostBridge(takeTokenFromFragment()));

export function invoke<C extends IpcChannel>(
  channel: C,
  payload: IpcRequest<C>,
): Promise<IpcResult<IpcResponse<C>>> {
  return bridge.invoke(channel, payload);
}

export const on: WemAccountBridge['on'] = (event, listener) => bridge.on(event, listener);

function takeTokenFromFragment(): string | undefined {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = params.get('token') ?? undefined;
  if (token !== undefined) {
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(
      null,
      '',
      `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`,
    );
  }
  return token;
}

const reconnectDelaysMs = [250, 500, 1000, 2000, 5000];

function webHostBridge(token: string | undefined): WemAccountBridge {
  const pending = new Map<number, (result: IpcResult<unknown>) => void>();
  const { on, emit } = eventHub();
  const outbox: string[] = [];
  let nextId = 1;
  let socket: WebSocket | undefined;
  let failedAttempts = 0;

  function open(): void {
    if (token === undefined) return;
    const ws = new WebSocket(`ws://${window.location.host}/ipc`, ['wem-account', token]);
    socket = ws;
    ws.addEventListener('open', () => {
      failedAttempts = 0;
      for (const frame of outbox.splice(0)) ws.send(frame);
    });
    ws.addEventListener('message', (message: MessageEvent<unknown>) => {
      if (typeof message.data === 'string') receive(message.data);
    });
    ws.addEventListener('close', () => {
      socket = undefined;
      outbox.length = 0;
      // Calls in flight may or may not have run: the page hears that the connection went, never silence.
      for (const [id, resolve] of pending) {
        pending.delete(id);
        resolve(failure('offline'));
      }
      const delay = reconnectDelaysMs[Math.min(failedAttempts, reconnectDelaysMs.length - 1)];
      failedAttempts += 1;
      window.setTimeout(open, delay);
    });
  }

  function receive(data: string): void {
    let message: WebHostMessage;
    try {
      message = JSON.parse(data) as WebHostMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      emit(message.event, message.payload);
    } else if (typeof message.id === 'number') {
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
    }
  }

  open();

  return {
    invoke(channel, payload) {
      if (token === undefined) {
        // Opened without the link's fragment (or reloaded after it was removed): main is out of reach.
        return Promise.resolve(failure('forbidden_sender'));
      }
      const id = nextId++;
      const frame = JSON.stringify({ id, channel, payload });
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: IpcResult<unknown>) => void);
        if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
        else outbox.push(frame);
      });
    },
    on,
  };
}
