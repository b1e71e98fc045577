import type { IpcError } from '../../common/contract/ipc';
import { messageOf, type AnyErrorCode } from '../../common/contract/errors';

/**
 * A refusal with a contract code, thrown by any desktop service (the portal client, the keychain, the
 * authenticator…) and turned into `{ok: false, error}` by the IPC router.
 */
export class DesktopError extends Error {
  constructor(
    readonly code: AnyErrorCode,
    readonly details: Omit<IpcError, 'code' | 'message'> & { message?: string } = {},
  ) {
    super(details.message ?? messageOf(code));
    this.name = 'DesktopError';
  }

  toIpcError(): IpcError {
    const { message: _message, ...rest } = this.details;
    return { code: this.code, message: this.message, ...rest };
  }
}
