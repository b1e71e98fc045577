import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { bridgeGlobalName, type WemAccountBridge } from '../../common/contract/bridge';
import { messageOf } from '../../common/contract/errors';
import { ipcChannelNames, ipcEvents, type IpcEventPayload } from '../../common/contract/ipc';

/**
 * The whole surface the page gets: `window.wemAccount.invoke(channel, payload)` for the contract's
 * channels and `window.wemAccount.on(event, listener)` for its events. ipcRenderer itself, its event
 * objects (whose `sender` is ipcRenderer) and any other channel stay out of reach, so a compromised
 * page can do no more than the UI already can. Built as CommonJS: sandboxed preloads cannot load ESM.
 */
const channels = new Set<string>(ipcChannelNames);
const events = new Set<string>(Object.keys(ipcEvents));

export const bridge: WemAccountBridge = {
  invoke(channel, payload) {
    if (typeof channel !== 'string' || !channels.has(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid_request', message: messageOf('invalid_request') },
      });
    }
    return ipcRenderer.invoke(channel, payload);
  },
  on(event, listener) {
    if (typeof event !== 'string' || !events.has(event)) {
      throw new TypeError(`Unknown event: ${String(event)}`);
    }
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    const forward = (_event: IpcRendererEvent, payload: IpcEventPayload<typeof event>) => listener(payload);
    ipcRenderer.on(event, forward);
    return () => {
      ipcRenderer.removeListener(event, forward);
    };
  },
};

contextBridge.exposeInMainWorld(bridgeGlobalName, bridge);
