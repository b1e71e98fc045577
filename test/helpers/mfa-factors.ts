import type { OutgoingSms, SmsProvider } from '../../server/delivery/sms';
import type { JsonResponse, TestApi } from './harness';
import { bearer, lastCodeMailedTo } from './mfa';

/** An SMS provider that keeps every text it is given, in order: the test's phone. */
export class SmsInbox implements SmsProvider {
  readonly kind = 'test-inbox';
  readonly sent: OutgoingSms[] = [];

  async send(sms: OutgoingSms): Promise<void> {
    this.sent.push(sms);
  }

  /** Delivers the queued outbox and returns the 6-digit code of the newest text to `to` (E.164). */
  async lastCodeTo(api: TestApi, to: string): Promise<string> {
    await api.api.worker.drain();
    const body = this.sent.filter((sms) => sms.to === to).at(-1)?.body ?? '';
    const code = /\b(\d{6})\b/.exec(body)?.[1];
    if (!code) throw new Error(`no code texted to ${to}`);
    return code;
  }
}

/**
 * `count` distinct 6-digit codes, none of them in `avoid` (the codes that would be right): wrong guesses
 * that cannot be right by chance.
 */
export function wrongCodes(count: number, avoid: readonly string[]): string[] {
  const codes: string[] = [];
  for (let n = 0; codes.length < count; n += 1) {
    const code = String((123_457 + n * 10_007) % 1_000_000).padStart(6, '0');
    if (!avoid.includes(code) && !codes.includes(code)) codes.push(code);
  }
  return codes;
}

let mobiles = 0;
/** A valid Dutch mobile number in E.164, different on every call (texts to it are told apart). */
export function uniqueMobile(): string {
  mobiles += 1;
  return `+3161${String((process.pid * 1000 + mobiles) % 10_000_000).padStart(7, '0')}`;
}

/** The password step of a login that must answer mfa_required; returns its loginId and factors. */
export async function passwordStep(
  api: TestApi,
  account: { email: string; password: string },
): Promise<{ loginId: string; factors: { id: string; type: string; label: string }[] }> {
  const response = await api.request('POST', '/v1/login', {
    email: account.email,
    password: account.password,
  });
  if (response.body?.state !== 'mfa_required')
    throw new Error(`expected mfa_required: ${response.status} ${JSON.stringify(response.body)}`);
  return { loginId: response.body.loginId, factors: response.body.factors };
}

/** Adds an email factor with a privileged session and confirms it with the code mailed there. */
export async function addEmailFactor(api: TestApi, token: string, address: string): Promise<string> {
  const added = await api.request('POST', '/v1/me/factors', { type: 'email', email: address }, bearer(token));
  if (added.status !== 201) throw new Error(`adding the email factor failed: ${JSON.stringify(added.body)}`);
  await confirmFactor(api, token, added.body.factor.id, await lastCodeMailedTo(api, address));
  return added.body.factor.id;
}

/** Adds an SMS factor with a privileged session and confirms it with the code texted there. */
export async function addSmsFactor(
  api: TestApi,
  inbox: SmsInbox,
  token: string,
  phone: string,
): Promise<{ id: string; e164: string }> {
  const added = await api.request('POST', '/v1/me/factors', { type: 'sms', phone }, bearer(token));
  if (added.status !== 201) throw new Error(`adding the SMS factor failed: ${JSON.stringify(added.body)}`);
  const row = await api.db
    .selectFrom('mfa_factors')
    .select('target')
    .where('id', '=', added.body.factor.id)
    .executeTakeFirstOrThrow();
  const e164 = row.target ?? '';
  await confirmFactor(api, token, added.body.factor.id, await inbox.lastCodeTo(api, e164));
  return { id: added.body.factor.id, e164 };
}

async function confirmFactor(api: TestApi, token: string, factorId: string, code: string): Promise<void> {
  const verified: JsonResponse = await api.request(
    'POST',
    `/v1/me/factors/${factorId}/verify`,
    { code },
    bearer(token),
  );
  if (verified.status !== 200)
    throw new Error(`confirming the factor failed: ${JSON.stringify(verified.body)}`);
}

/** Recovery codes for the account of a privileged session: the ten codes and the factor id. */
export async function addRecoveryCodes(
  api: TestApi,
  token: string,
): Promise<{ id: string; codes: string[] }> {
  const added = await api.request('POST', '/v1/me/factors', { type: 'recovery_codes' }, bearer(token));
  if (added.status !== 201) throw new Error(`recovery codes failed: ${JSON.stringify(added.body)}`);
  return { id: added.body.factor.id, codes: added.body.codes };
}
