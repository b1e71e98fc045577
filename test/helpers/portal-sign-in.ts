import * as oidc from 'openid-client';
import { expect } from 'vitest';
import type { TestApi } from './harness';
import { totpCode, type EnrolledAccount } from './mfa';
import { interactionOf, type AuthorizationRequest, type PortalBrowser } from './portal-browser';

/**
 * The portal page's sign-in as the renderer drives it: password, then (when asked) the TOTP factor,
 * optionally with "Trust this computer". Returns what login.start answered.
 */
export async function signInOnPage(
  t: TestApi,
  browser: PortalBrowser,
  account: Pick<EnrolledAccount, 'email' | 'password' | 'totpSecret'>,
  trustDevice = false,
): Promise<{ state: string; trustedComputer?: boolean }> {
  const start = await browser.call('login.start', { email: account.email, password: account.password });
  if (start.value?.state !== 'mfa_required') return start.value;
  const factor = start.value.factors.find((f: { type: string }) => f.type === 'totp');
  expect((await browser.call('login.challenge', { factorId: factor.id })).ok).toBe(true);
  const verified = await browser.call('login.verify', {
    factorId: factor.id,
    code: await totpCode(account.totpSecret, t),
    trustDevice,
  });
  expect(verified.value).toEqual({ state: 'authenticated', trustedComputer: trustDevice });
  // The next TOTP code must come from a later step.
  t.clock.advance(30_000);
  return start.value;
}

/**
 * From the authorization URL to the relying party's callback: when the browser lands on the portal
 * page, signs in there and continues the interaction as the page does.
 */
export async function authorizeThroughPortal(
  t: TestApi,
  browser: PortalBrowser,
  request: AuthorizationRequest,
  account?: Pick<EnrolledAccount, 'email' | 'password' | 'totpSecret'>,
  trustDevice = false,
): Promise<URL> {
  let landed = await browser.visit(request.url.href);
  if (account && new URL(landed.url).pathname === '/portal/') {
    const uid = interactionOf(landed.url);
    await signInOnPage(t, browser, account, trustDevice);
    landed = await browser.visit(`/portal/interaction/${uid}/continue`);
  }
  return new URL(landed.url);
}

/** The code exchange with every check a relying party makes (state, nonce, PKCE, ID token signature). */
export function exchange(config: oidc.Configuration, callback: URL, request: AuthorizationRequest) {
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}
