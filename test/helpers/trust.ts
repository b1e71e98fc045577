import { normaliseEmail } from '../../common/domain/email';
import { setRole } from '../../server/admin/roles';
import type { JsonResponse, SignupFields, TestApi } from './harness';
import { bearer, totpCode, type EnrolledAccount } from './mfa';
import { passwordStep } from './mfa-factors';

/** Anything that answers HTTP like the harness: the test API or a second instance on its database. */
export type Requester = Pick<TestApi, 'request'>;

/**
 * An activated account (with any signup fields) that has enrolled the authenticator app, with the full,
 * privileged session the enrollment gave. Like accountWithTotp, for accounts that need a locale or name.
 */
export async function enrolledAccount(
  api: TestApi,
  overrides: Partial<SignupFields> = {},
): Promise<EnrolledAccount> {
  const account = await api.activeAccount(overrides);
  const login = await api.request('POST', '/v1/login', { email: account.email, password: account.password });
  const enrollment: string = login.body.session.token;
  const added = await api.request('POST', '/v1/me/factors', { type: 'totp' }, bearer(enrollment));
  const verified: JsonResponse = await api.request(
    'POST',
    `/v1/me/factors/${added.body.factor.id}/verify`,
    { code: await totpCode(added.body.secret, api) },
    bearer(enrollment),
  );
  if (verified.status !== 200) throw new Error(`TOTP enrollment failed: ${JSON.stringify(verified.body)}`);
  return {
    email: account.email,
    password: account.password,
    totpSecret: added.body.secret,
    totpFactorId: added.body.factor.id,
    token: verified.body.session.token,
  };
}

/**
 * The authenticator code of the next time step. A step that was accepted once is refused ever after
 * (replay protection), so every use of the app in a test moves the clock on by one step first.
 */
export async function nextTotpCode(api: TestApi, secret: string): Promise<string> {
  api.clock.advance(30_000);
  return totpCode(secret, api);
}

export interface SignedIn {
  /** The full session token. */
  token: string;
  /** Present when the login asked to trust this computer. */
  device?: { id: string; token: string; expiresAt: string };
}

/** A complete login with password and authenticator code, optionally trusting this computer. */
export async function loginWithTotp(
  api: TestApi,
  account: EnrolledAccount,
  trust: { deviceName?: string } | false = false,
): Promise<SignedIn> {
  const { loginId } = await passwordStep(api, account);
  const verified = await api.request('POST', `/v1/login/${loginId}/verify`, {
    factorId: account.totpFactorId,
    code: await nextTotpCode(api, account.totpSecret),
    ...(trust ? { trustDevice: true, ...trust } : {}),
  });
  if (verified.status !== 200) throw new Error(`login failed: ${JSON.stringify(verified.body)}`);
  return {
    token: verified.body.session.token,
    ...(verified.body.trustedDevice ? { device: verified.body.trustedDevice } : {}),
  };
}

/** POST /v1/login with email, password and a trusted-device token. */
export function loginWithDevice(
  api: Requester,
  account: { email: string; password: string },
  deviceToken: string,
): ReturnType<TestApi['request']> {
  return api.request('POST', '/v1/login', { email: account.email, password: account.password, deviceToken });
}

/** Proves the authenticator app again, so the session may change factors for ten minutes. */
export async function stepUpWithTotp(api: TestApi, account: EnrolledAccount, token: string): Promise<void> {
  const verified = await api.request(
    'POST',
    '/v1/me/step-up/verify',
    { factorId: account.totpFactorId, code: await nextTotpCode(api, account.totpSecret) },
    bearer(token),
  );
  if (verified.status !== 200) throw new Error(`step-up failed: ${JSON.stringify(verified.body)}`);
}

/** A signed-in account with the support role, granted the way an operator grants it. */
export async function supportAgent(api: TestApi): Promise<EnrolledAccount & { id: string }> {
  const agent = await enrolledAccount(api, { firstName: 'Sam', lastName: 'Support' });
  await setRole(api.api.context, agent.email, 'support', true, 'operator:test');
  return { ...agent, id: await accountIdOf(api, agent.email) };
}

export async function accountIdOf(api: Pick<TestApi, 'db'>, email: string): Promise<string> {
  const row = await api.db
    .selectFrom('accounts')
    .select('id')
    .where('email_normalized', '=', normaliseEmail(email))
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Files an MFA reset request from a fresh password step, as a user with no factor at hand does. */
export async function requestReset(
  api: TestApi,
  account: { email: string; password: string },
  reason = 'I lost my phone and cannot reach my mailbox.',
): Promise<string> {
  const { loginId } = await passwordStep(api, account);
  const filed = await api.request('POST', `/v1/login/${loginId}/mfa-reset-request`, { reason });
  if (filed.status !== 202) throw new Error(`reset request failed: ${JSON.stringify(filed.body)}`);
  return filed.body.requestId;
}

/** The subjects of the mails an address has received, oldest first. */
export async function subjectsTo(api: TestApi, address: string): Promise<string[]> {
  return (await api.mailsTo(address)).map((mail) => mail.subject);
}
