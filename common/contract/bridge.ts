import type { IpcChannel, IpcEvent, IpcEventPayload, IpcRequest, IpcResponse, IpcResult } from './ipc';

/**
 * What the renderer gets from main: `window.wemAccount` in Electron (the preload implements it with
 * contextBridge, one channel each), or the web host's WebSocket behind the same shape in a browser.
 * Only renderer/src/lib/bridge.ts uses it. Replies are envelopes, never thrown errors: an Electron
 * invoke loses an error's class and fields on the way, an envelope does not.
 */
export interface WemAccountBridge {
  invoke<C extends IpcChannel>(channel: C, payload: IpcRequest<C>): Promise<IpcResult<IpcResponse<C>>>;
  /** Returns the function that stops listening. */
  on<E extends IpcEvent>(event: E, listener: (payload: IpcEventPayload<E>) => void): () => void;
}

/** The global the preload exposes: `contextBridge.exposeInMainWorld(bridgeGlobalName, api)`. */
export const bridgeGlobalName = 'wemAccount';

/** The web host's WebSocket: the page sends calls and gets replies with the same id, and events. */
export interface WebHostCall {
  id: string | number;
  channel: IpcChannel;
  payload: unknown;
}
export type WebHostMessage =
  { id: string | number | null; result: IpcResult<unknown> } | { event: IpcEvent; payload: unknown };
