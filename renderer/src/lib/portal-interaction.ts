import { z } from 'zod';
import type { AnyErrorCode } from '../../../common/contract/errors';

/**
 * The OpenID Connect interaction's own calls (docs/api.md "WEM Login Portal"), beside the IPC
 * channels: what a third-party client asks for, and the user's answer. Same-origin, with the portal's
 * CSRF header like every state-changing portal call.
 */
const interactionDetailsBody = z.object({
  clientName: z.string().max(200),
  scopes: z.array(z.string().max(200)).max(50),
  claims: z.array(z.string().max(200)).max(100).catch([]),
});
export type InteractionDetails = z.infer<typeof interactionDetailsBody>;
const consentBody = z.object({ redirectTo: z.string().max(8000) });

export type InteractionAnswer<T> = { ok: true; value: T } | { ok: false; code: AnyErrorCode };

function path(uid: string, step: 'details' | 'consent'): string {
  return `/portal/interaction/${encodeURIComponent(uid)}/${step}`;
}

async function jsonOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

export async function interactionDetails(uid: string): Promise<InteractionAnswer<InteractionDetails>> {
  let response: Response;
  try {
    response = await fetch(path(uid, 'details'), {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json', 'X-WEM-Portal': '1' },
    });
  } catch {
    return { ok: false, code: 'offline' };
  }
  const body = interactionDetailsBody.safeParse(await jsonOf(response));
  if (!response.ok || !body.success)
    return { ok: false, code: response.status >= 500 ? 'server_error' : 'not_found' };
  return { ok: true, value: body.data };
}

/**
 * The answer, and where the browser goes next: the server's `redirectTo` (the client's registered
 * redirect URI, or the provider's next step). Only an http(s) address is followed.
 */
export async function decideConsent(uid: string, approve: boolean): Promise<InteractionAnswer<string>> {
  let response: Response;
  try {
    response = await fetch(path(uid, 'consent'), {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'X-WEM-Portal': '1' },
      body: JSON.stringify({ approve }),
    });
  } catch {
    return { ok: false, code: 'offline' };
  }
  const body = consentBody.safeParse(await jsonOf(response));
  const target = body.success ? body.data.redirectTo : '';
  if (!response.ok || !body.success || !URL.canParse(target, window.location.href))
    return { ok: false, code: response.status >= 500 ? 'server_error' : 'not_found' };
  const url = new URL(target, window.location.href);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, code: 'not_found' };
  return { ok: true, value: url.href };
}
