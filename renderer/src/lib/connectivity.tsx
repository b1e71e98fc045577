import { createContext, useContext } from 'react';

/**
 * Whether main can reach the account API, as its `connectivity` events last said. App.tsx provides it;
 * every action that needs the server reads it here and is disabled with the reason while offline.
 */
export const ConnectivityContext = createContext(true);

export function useOnline(): boolean {
  return useContext(ConnectivityContext);
}
