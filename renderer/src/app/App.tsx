import { useCallback, useEffect, useState } from 'react';
import type { AppStatus } from '../../../common/contract/ipc';
import { messageOf } from '../../../common/contract/errors';
import { invoke, on } from '../lib/bridge';
import { SignInForm } from '../features/login/sign-in-form';
import { StatusPanel } from './status-panel';

/**
 * The shell: product name, where the app connects and whether it is signed in, and a minimal
 * sign-in. The full flows (signup, activation, factors, account) come as features/ next.
 */
export function App() {
  const [status, setStatus] = useState<AppStatus | undefined>();
  const [statusError, setStatusError] = useState<string | undefined>();

  const refresh = useCallback(async () => {
    const result = await invoke('app.status', {});
    if (result.ok) {
      setStatus(result.value);
      setStatusError(undefined);
    } else {
      setStatusError(messageOf(result.error.code));
    }
  }, []);

  useEffect(() => {
    void refresh();
    const stops = [
      on('connectivity', ({ online }) => setStatus((current) => current && { ...current, online })),
      on('sessionEnded', () => void refresh()),
    ];
    return () => stops.forEach((stop) => stop());
  }, [refresh]);

  return (
    <main className="shell">
      <h1>WEM Account</h1>
      <StatusPanel status={status} error={statusError} />
      {status?.signedIn ? null : <SignInForm defaultEmail={status?.email ?? ''} onSignedIn={refresh} />}
    </main>
  );
}
