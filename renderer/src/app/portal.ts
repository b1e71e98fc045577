import { host } from '../lib/bridge';

/**
 * The app as the WEM Login Portal (docs/architecture.md "The WEM Login Portal"): the same screens in
 * any browser, served by the account API at /portal/. What differs from the desktop is decided here
 * and in a few conditionals: no authenticator tab, no server setting, and the page's address says
 * where it starts (an OpenID Connect sign-in in progress, a consent question, an activation link).
 */
export const inPortal = host === 'portal';

/** oidc-provider's interaction ids; anything else in the address is ignored, never put in a URL. */
const interactionId = /^[A-Za-z0-9_-]{1,128}$/;

export interface PortalStart {
  /** `?interaction=<uid>`: a relying party's sign-in waits for this page's. */
  interaction: string | undefined;
  /** `&consent=1`: the signed-in user is asked whether a third-party client may have the scopes. */
  consent: boolean;
  /** `#activate=<token>` from the activation page's "Continue in the browser". */
  activationToken: string | undefined;
  /** `#reset-password=<token>` or `#confirm-email=<token>` from those links' pages (docs/api.md). */
  mailLink?: { kind: 'reset-password' | 'confirm-email'; token: string } | undefined;
}

function readStart(): PortalStart {
  const query = new URLSearchParams(window.location.search);
  const uid = query.get('interaction') ?? '';
  const interaction = interactionId.test(uid) ? uid : undefined;
  return {
    interaction,
    consent: interaction !== undefined && query.get('consent') === '1',
    activationToken: takeFragmentToken('activate'),
    mailLink: mailLinkIn(),
  };
}

function mailLinkIn(): PortalStart['mailLink'] {
  for (const kind of ['reset-password', 'confirm-email'] as const) {
    const token = takeFragmentToken(kind);
    if (token) return { kind, token };
  }
  return undefined;
}

/**
 * A link's token travels in the fragment, which browsers never send to a server (nor to its
 * logs or a proxy's). Read once at start, kept in memory, and removed from the address bar at once so
 * a reload, the history or a copied address does not carry it along.
 */
function takeFragmentToken(name: string): string | undefined {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = fragment.get(name) ?? undefined;
  if (token === undefined) return undefined;
  fragment.delete(name);
  const rest = fragment.toString();
  window.history.replaceState(
    null,
    '',
    `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`,
  );
  return token.trim() === '' ? undefined : token;
}

export const portalStart: PortalStart = inPortal
  ? readStart()
  : { interaction: undefined, consent: false, activationToken: undefined };

/**
 * After a sign-in in this page, the relying party's authorization continues on the server, which
 * reads the portal session's cookie and redirects on to the client (docs/api.md "WEM Login Portal").
 * True when the page is leaving.
 */
export function continueInteraction(): boolean {
  const uid = portalStart.interaction;
  if (uid === undefined) return false;
  window.location.assign(`/portal/interaction/${encodeURIComponent(uid)}/continue`);
  return true;
}
