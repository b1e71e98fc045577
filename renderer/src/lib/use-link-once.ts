import { useEffect, useRef } from 'react';

/**
 * A mailed link that reached the screen as a deep link (or the portal's address fragment) is used at
 * once, and once: React may run an effect twice, and a link is single use. Another token (a newer
 * link) is used again. Keyed by the token alone: `use` is a new function on every render.
 */
export function useLinkOnce(token: string | undefined, use: (token: string) => void): void {
  const used = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (token && used.current !== token) {
      used.current = token;
      use(token);
    }
  }, [token]);
}
