import { useEffect, useState } from 'react';
import type { ServerInfo } from '../../../common/contract/http';
import { invoke } from './bridge';
import { useOnline } from './connectivity';

/**
 * What the server says about itself (GET /v1/info through main): undefined until it answered, and
 * while it cannot be reached, so screens fall back to words that name no number.
 */
export function useServerInfo(): ServerInfo | undefined {
  const online = useOnline();
  const [info, setInfo] = useState<ServerInfo | undefined>();
  useEffect(() => {
    if (info || !online) return;
    let current = true;
    void invoke('server.info', {}).then((result) => {
      if (current && result.ok) setInfo(result.value);
    });
    return () => {
      current = false;
    };
  }, [info, online]);
  return info;
}
