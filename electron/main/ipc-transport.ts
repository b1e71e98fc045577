import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { messageOf } from '../../common/contract/errors';
import {
  ipcChannelNames,
  ipcEvents,
  type IpcEvent,
  type IpcEventPayload,
  type IpcResult,
} from '../../common/contract/ipc';
import { isAppUrl } from './protocol';

/** What the transport dispatches to: electron/services/ipc-router.ts's IpcRouter. */
export interface IpcDispatcher {
  dispatch(channel: string, payload: unknown): Promise<IpcResult<unknown>>;
}

export interface IpcTransportOptions {
  /** Told about every refused call (a sign of a compromised or foreign frame); never given the payload. */
  onRefused?: (channel: string, senderUrl: string | undefined) => void;
}

/**
 * The one place main listens on ipcMain (docs/security.md 23): every contract channel gets the same
 * `handle()`, which refuses calls from any frame that is not the app's own page — no frame, file://,
 * a remote page, or a subframe of another origin — before the router sees the payload. The router
 * then validates the payload against the contract. Returns a function that removes the handlers.
 */
export function registerIpcTransport(router: IpcDispatcher, options: IpcTransportOptions = {}): () => void {
  for (const channel of ipcChannelNames) {
    ipcMain.handle(channel, (event, payload: unknown) => handle(router, channel, event, payload, options));
  }
  return () => {
    for (const channel of ipcChannelNames) ipcMain.removeHandler(channel);
  };
}

export async function handle(
  router: IpcDispatcher,
  channel: string,
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  payload: unknown,
  options: IpcTransportOptions = {},
): Promise<IpcResult<unknown>> {
  // Reading senderFrame after the frame navigated away or was destroyed throws or yields null.
  let senderUrl: string | undefined;
  try {
    senderUrl = event.senderFrame?.url;
  } catch {
    senderUrl = undefined;
  }
  if (!isAppUrl(senderUrl)) {
    options.onRefused?.(channel, senderUrl);
    return { ok: false, error: { code: 'forbidden_sender', message: messageOf('forbidden_sender') } };
  }
  return router.dispatch(channel, payload);
}

/**
 * Sends a contract event to the app's page. The payload is checked against the contract first, so a
 * service can never push anything else to the renderer; a closed window is skipped silently.
 */
export function sendEvent<E extends IpcEvent>(
  webContents: Pick<WebContents, 'send' | 'isDestroyed'> | undefined,
  event: E,
  payload: IpcEventPayload<E>,
): boolean {
  if (!webContents || webContents.isDestroyed()) return false;
  const checked = ipcEvents[event].parse(payload);
  webContents.send(event, checked);
  return true;
}
