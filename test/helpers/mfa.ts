import { generate } from 'otplib';
import type { JsonResponse, TestApi } from './harness';

/** The TOTP code an authenticator app shows at the API's (fixed) time, `steps` periods away. */
export function totpCode(secret: string, api: TestApi, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(api.clock.now() / 1000) + steps * 30 });
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The newest 6-digit code mailed to an address (notices about factor changes carry none). */
export async function lastCodeMailedTo(api: TestApi, address: string): Promise<string> {
  const mails = await api.mailsTo(address);
  const code = mails
    .map((mail) => /^(\d{6})$/m.exec(mail.text ?? '')?.[1])
    .filter((found): found is string => found !== undefined)
    .at(-1);
  if (!code) throw new Error(`no code mailed to ${address}`);
  return code;
}

export interface EnrolledAccount {
  email: string;
  password: string;
  totpSecret: string;
  totpFactorId: string;
  /** A full, privileged session from the enrollment. */
  token: string;
}

/** An activated account that has enrolled the authenticator app, signed in with the resulting session. */
export async function accountWithTotp(api: TestApi): Promise<EnrolledAccount> {
  const account = await api.activeAccount();
  const login = await api.request('POST', '/v1/login', { email: account.email, password: account.password });
  const enrollment: string = login.body.session.token;
  const added = await api.request('POST', '/v1/me/factors', { type: 'totp' }, bearer(enrollment));
  const secret: string = added.body.secret;
  const verified: JsonResponse = await api.request(
    'POST',
    `/v1/me/factors/${added.body.factor.id}/verify`,
    { code: await totpCode(secret, api) },
    bearer(enrollment),
  );
  if (verified.status !== 200) throw new Error(`TOTP enrollment failed: ${JSON.stringify(verified.body)}`);
  // The next code must come from a later step: a used step is refused (replay protection).
  api.clock.advance(30_000);
  return {
    email: account.email,
    password: account.password,
    totpSecret: secret,
    totpFactorId: added.body.factor.id,
    token: verified.body.session.token,
  };
}
