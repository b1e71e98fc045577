import type { WemAccountBridge } from '../../../common/contract/bridge';
import { messageOf, type AnyErrorCode } from '../../../common/contract/errors';
import type { IpcEvent, IpcResult } from '../../../common/contract/ipc';

/** An error envelope made on this side of a bridge (no answer came), in the user's words. */
export function failure(code: AnyErrorCode): IpcResult<never> {
  return { ok: false, error: { code, message: messageOf(code) } };
}

/** The listeners of main's events for one bridge: `on` for the screens, `emit` for the transport. */
export function eventHub(): {
  on: WemAccountBridge['on'];
  emit: (event: IpcEvent, payload: unknown) => void;
} {
  const listeners = new Map<IpcEvent, Set<(payload: unknown) => void>>();
  return {
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
  };
}
