import {
  ipcChannels,
  type IpcChannel,
  type IpcRequest,
  type IpcResponse,
  type IpcResult,
} from '../../common/contract/ipc';
import { isApiErrorCode } from '../../common/contract/errors';
import { DesktopError } from './desktop-error';

/** A handler gets the request as its schema parsed it (defaults applied, strings trimmed). */
export type IpcHandler<C extends IpcChannel> = (request: IpcRequest<C>) => Promise<IpcResponse<C>>;
export type IpcHandlers = { [C in IpcChannel]: IpcHandler<C> };

/**
 * The one dispatcher behind every transport (Electron's ipcMain, the web host's WebSocket, tests):
 * channel name -> zod-validated request -> handler -> envelope. Unknown channels and malformed
 * payloads are refused before any handler runs; handler errors never leak a stack to the renderer.
 */
export class IpcRouter {
  constructor(
    private readonly handlers: IpcHandlers,
    private readonly onUnexpected: (error: unknown, channel: string) => void = () => {},
  ) {}

  async dispatch(channel: string, payload: unknown): Promise<IpcResult<unknown>> {
    if (!Object.hasOwn(ipcChannels, channel)) return failure(new DesktopError('invalid_request'));
    const name = channel as IpcChannel;
    const parsed = ipcChannels[name].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) fields[issue.path.join('.') || 'request'] ??= issue.message;
      return failure(new DesktopError('validation_failed', { fields }));
    }
    try {
      const handler = this.handlers[name] as (request: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      return { ok: true, value: ipcChannels[name].response.parse(value) };
    } catch (error) {
      if (error instanceof DesktopError) return failure(error);
      this.onUnexpected(error, name);
      // A fault in this app, not the server's: saying "the server had a problem" sent users the wrong way.
      return failure(new DesktopError('app_error'));
    }
  }
}

function failure(error: DesktopError): IpcResult<never> {
  return { ok: false, error: error.toIpcError() };
}

export { isApiErrorCode };
