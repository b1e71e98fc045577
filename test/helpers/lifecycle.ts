import type { JsonResponse, TestApi } from './harness';
import { bearer } from './mfa';
import { linkIn } from './smtp-peer';
import { nextTotpCode } from './trust';

/** The token of the newest link of `path` (`reset-password`, `confirm-email`) mailed to an address. */
export async function linkTokenTo(t: TestApi, address: string, path: string): Promise<string> {
  const mail = (await t.mailsTo(address)).filter((m) => m.text.includes(`/${path}?token=`)).at(-1);
  if (!mail) throw new Error(`no ${path} link mailed to ${address}`);
  const link = linkIn(mail, new RegExp(`https?://\\S+/${path}\\?token=\\S+`));
  return decodeURIComponent(new URL(link).searchParams.get('token') ?? '');
}

/** POST /v1/password-reset, from 127.0.0.1 or `from`. */
export function askReset(t: TestApi, email: string, from?: string) {
  return t.request('POST', '/v1/password-reset', { email }, {}, from);
}

/** Asks for a reset link for the address and returns the token the mail carries. */
export async function resetToken(t: TestApi, email: string): Promise<string> {
  const asked = await askReset(t, email);
  if (asked.status !== 202) throw new Error(`reset request failed: ${JSON.stringify(asked.body)}`);
  return linkTokenTo(t, email, 'reset-password');
}

/** POST /v1/password-reset/verify: the factor step of a link. */
export function startReset(t: TestApi, token: string) {
  return t.request('POST', '/v1/password-reset/verify', { token });
}

export async function resetIdFor(t: TestApi, token: string): Promise<string> {
  const started = await startReset(t, token);
  if (started.status !== 200) throw new Error(`verify failed: ${JSON.stringify(started.body)}`);
  return started.body.resetId;
}

export function verifyResetFactor(t: TestApi, resetId: string, factorId: string, code: string) {
  return t.request('POST', `/v1/password-reset/${resetId}/verify-factor`, { factorId, code });
}

/** Proves the account's authenticator app in a reset flow with the code of the next time step. */
export async function proveTotp(
  t: TestApi,
  resetId: string,
  account: { totpFactorId: string; totpSecret: string },
): Promise<JsonResponse> {
  return verifyResetFactor(t, resetId, account.totpFactorId, await nextTotpCode(t, account.totpSecret));
}

export function completeReset(t: TestApi, resetId: string, password: string) {
  return t.request('POST', `/v1/password-reset/${resetId}/complete`, { password });
}

/** GET /v1/me with a session token: 200 while the session lives, 401 once it was ended. */
export async function meStatus(t: TestApi, token: string): Promise<number> {
  return (await t.request('GET', '/v1/me', undefined, bearer(token))).status;
}

export const newPassword = 'copper-lagoon-whistle-88';
