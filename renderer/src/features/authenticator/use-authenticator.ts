import { useCallback, useEffect, useState } from 'react';
import { clipboardClearSeconds } from '../../../../common/contract/authenticator-limits';
import type { AuthenticatorState, CodeViewPayload } from '../../../../common/contract/ipc-authenticator';
import type { IpcError, IpcResult } from '../../../../common/contract/ipc';
import { invoke, on } from '../../lib/bridge';

/**
 * The authenticator as main last described it: the reply to authenticator.list, kept current by the
 * `authenticatorCodes` event (each period boundary, each change, locking). `receivedAt` is when the
 * codes arrived, so the rings can count down between pushes without asking main again.
 */
export function useAuthenticator() {
  const [state, setState] = useState<AuthenticatorState | undefined>();
  const [loadError, setLoadError] = useState<IpcError | undefined>();
  const [receivedAt, setReceivedAt] = useState(() => Date.now());

  const apply = useCallback((next: AuthenticatorState) => {
    setState(next);
    setReceivedAt(Date.now());
    setLoadError(undefined);
  }, []);

  const reload = useCallback(async () => {
    const result = await invoke('authenticator.list', {});
    if (result.ok) apply(result.value);
    else setLoadError(result.error);
  }, [apply]);

  useEffect(() => {
    void reload();
    return on('authenticatorCodes', (payload) => {
      setState((current) => {
        if (!current) return current;
        const { lock, capabilities } = current;
        return payload.locked
          ? { locked: true, lock, capabilities }
          : { locked: false, lock, capabilities, entries: payload.entries };
      });
      setReceivedAt(Date.now());
    });
  }, [reload]);

  /** Shows one entry's new code (HOTP) without waiting for the event. */
  const replaceEntry = useCallback((entry: CodeViewPayload) => {
    setState((current) =>
      current && !current.locked
        ? { ...current, entries: current.entries.map((item) => (item.id === entry.id ? entry : item)) }
        : current,
    );
  }, []);

  return { state, loadError, receivedAt, apply, reload, replaceEntry };
}

/** Epoch ms, re-rendering once a second while `running`: for the countdown rings. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  return now;
}

/**
 * Copies a code. In Electron main does it (and clears the clipboard after 30 s if it still holds the
 * code). Where main has no clipboard (the web host in a browser) the page writes it and clears it
 * itself after 30 s: if the browser lets it read the clipboard, only when it still holds the code;
 * if not, unconditionally, since a code left behind is worse than an emptied clipboard.
 */
export async function copyCode(
  entry: CodeViewPayload,
  code: string,
  mainCopies: boolean,
): Promise<IpcResult<{ clearAfterSeconds: number }>> {
  if (mainCopies) return invoke('authenticator.copy', { id: entry.id });
  try {
    await navigator.clipboard.writeText(code);
  } catch {
    return { ok: false, error: { code: 'capability_unavailable', message: 'clipboard' } };
  }
  window.setTimeout(() => {
    void clearIfStill(code);
  }, clipboardClearSeconds * 1000);
  return { ok: true, value: { clearAfterSeconds: clipboardClearSeconds } };
}

async function clearIfStill(code: string): Promise<void> {
  let still = true;
  try {
    still = (await navigator.clipboard.readText()) === code;
  } catch {
    // Reading refused: clear anyway (see copyCode).
  }
  if (still) await navigator.clipboard.writeText('').catch(() => undefined);
}
