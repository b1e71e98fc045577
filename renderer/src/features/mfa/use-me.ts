import { useCallback, useEffect, useState } from 'react';
import type { MeResponse } from '../../../../common/contract/http';
import type { IpcError } from '../../../../common/contract/ipc';
import { invoke } from '../../lib/bridge';

/** The signed-in account as the server knows it, reloadable after every change. */
export function useMe() {
  const [me, setMe] = useState<MeResponse | undefined>();
  const [error, setError] = useState<IpcError | undefined>();
  const reload = useCallback(async () => {
    const result = await invoke('me.get', {});
    if (result.ok) {
      setMe(result.value);
      setError(undefined);
    } else setError(result.error);
    return result;
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { me, error, reload };
}

/** The factors that count for "at least 2": active ones, recovery codes aside (docs/api.md rule 7). */
export function activeFactors(me: MeResponse | undefined): MeResponse['factors'] {
  return (me?.factors ?? []).filter(
    (factor) => factor.status === 'active' && factor.type !== 'recovery_codes',
  );
}

/** Whether the account has a set of recovery codes (replacing them makes the old ones worthless). */
export function hasRecoveryCodes(me: MeResponse | undefined): boolean {
  return (me?.factors ?? []).some((factor) => factor.type === 'recovery_codes' && factor.status === 'active');
}
