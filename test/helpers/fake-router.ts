import { ipcChannelNames, type IpcChannel } from '../../common/contract/ipc';
import { DesktopError } from '../../electron/services/desktop-error';
import { IpcRouter, type IpcHandler, type IpcHandlers } from '../../electron/services/ipc-router';

export interface FakeRouter {
  router: IpcRouter;
  /** Every call that reached a handler, request as the contract parsed it. */
  calls: { channel: IpcChannel; request: unknown }[];
}

/**
 * An IpcRouter over small fake handlers, for transports (web host, renderer) tested without the
 * desktop services: the given channels answer as written, every other one refuses with
 * `service_unavailable`, as a server that is down would.
 */
export function fakeRouter(handlers: { [C in IpcChannel]?: IpcHandler<C> }): FakeRouter {
  const calls: FakeRouter['calls'] = [];
  const entries = ipcChannelNames.map((channel) => {
    const handler = handlers[channel] as ((request: unknown) => Promise<unknown>) | undefined;
    const recorded = async (request: unknown) => {
      calls.push({ channel, request });
      if (!handler) throw new DesktopError('service_unavailable');
      return handler(request);
    };
    return [channel, recorded] as const;
  });
  return { router: new IpcRouter(Object.fromEntries(entries) as IpcHandlers), calls };
}
