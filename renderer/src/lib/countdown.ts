import { useEffect, useState } from 'react';

/** Whole seconds from `now` until `until` (both epoch ms), never below 0: 0.2 s left still shows "1". */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * When the next send may happen: the server's `resendAfter` (ISO time) or `retryAfterSeconds` wins;
 * without either, a short courtesy pause so a double click does not send twice.
 */
export function cooldownEnd(
  now: number,
  hint: { resendAfter?: string | undefined; retryAfterSeconds?: number | undefined },
  fallbackSeconds = 0,
): number {
  if (hint.resendAfter) {
    const at = Date.parse(hint.resendAfter);
    if (Number.isFinite(at)) return at;
  }
  if (hint.retryAfterSeconds !== undefined) return now + hint.retryAfterSeconds * 1000;
  return now + fallbackSeconds * 1000;
}

/** Seconds left until `until`, re-rendering once a second while it counts down. */
export function useCountdown(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (until === undefined) return;
    const timer = window.setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= until) window.clearInterval(timer);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === undefined ? 0 : secondsLeft(until, now);
}
