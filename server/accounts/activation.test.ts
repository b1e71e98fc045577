import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { everythingStored, latestActivationToken, signupWithToken } from '../../test/helpers/accounts';
import { forEachDialect, type TestApi } from '../../test/helpers/harness';

const second = 1_000;
const hour = 3_600 * second;

function activate(t: TestApi, token: string) {
  return t.request('POST', '/v1/activation', { token });
}

function resend(t: TestApi, email: string) {
  return t.request('POST', '/v1/activation/resend', { email });
}

async function isActive(t: TestApi, email: string): Promise<boolean> {
  const row = await t.db
    .selectFrom('accounts')
    .select('activated_at')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.activated_at !== null;
}

/** A token of our shape (16-character id, 43-character secret) that we never issued. */
function randomShapedToken(): string {
  const id = randomBytes(12).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return `${id}.${secret}`;
}

forEachDialect('activation', (t) => {
  it('activates the account with the mailed token, once; the second use is activation_used', async () => {
    const account = await signupWithToken(t());
    const first = await activate(t(), account.token);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'activated' });
    expect(await isActive(t(), account.email)).toBe(true);

    const again = await activate(t(), account.token);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('activation_used');
  });

  it('still activates one second before the link is 48 hours old', async () => {
    const account = await signupWithToken(t());
    t().clock.advance(48 * hour - second);
    expect((await activate(t(), account.token)).status).toBe(200);
  });

  it('refuses the link one second after 48 hours as activation_expired and leaves the account inactive', async () => {
    const account = await signupWithToken(t());
    t().clock.advance(48 * hour + second);
    const response = await activate(t(), account.token);
    expect(response.status).toBe(410);
    expect(response.body.error.code).toBe('activation_expired');
    expect(await isActive(t(), account.email)).toBe(false);
  });

  it('refuses forged, truncated and other-shaped tokens as activation_invalid, leaving the account inactive', async () => {
    const account = await signupWithToken(t());
    const { token } = account;
    const dot = token.indexOf('.');
    const tampered = {
      'truncated by one character': token.slice(0, -1),
      'cut after the dot': token.slice(0, dot + 1),
      'the id alone': token.slice(0, dot),
      'the secret alone': token.slice(dot + 1),
      'one character longer': `${token}A`,
      'forged in our shape': randomShapedToken(),
      'with a third part': `${token}.AAAA`,
      'a JWT': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      'with spaces and symbols': 'not a token! %00 /../',
      'wrapped in HTML': `<b>${token}</b>`,
      'with a lone surrogate': `${token.slice(0, -1)}\uD800`,
    };
    for (const [what, candidate] of Object.entries(tampered)) {
      const response = await activate(t(), candidate);
      expect(response.status, what).toBe(400);
      expect(response.body.error.code, what).toBe('activation_invalid');
    }
    expect(await isActive(t(), account.email)).toBe(false);
  });

  it('refuses a token with a real link id but a wrong secret, and the real token still works after', async () => {
    const account = await signupWithToken(t());
    const [id] = account.token.split('.');
    const forged = `${id}.${randomShapedToken().split('.')[1]}`;

    const response = await activate(t(), forged);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('activation_invalid');
    expect((await activate(t(), account.token)).status).toBe(200);
  });

  it('stores only a hash of the token secret, never the secret or the token', async () => {
    const account = await signupWithToken(t());
    const [id, secret] = account.token.split('.');

    const link = await t().db.selectFrom('activation_links').selectAll().executeTakeFirstOrThrow();
    expect(link.id).toBe(id);
    expect(JSON.stringify(link)).not.toContain(secret);
    const stored = await everythingStored(t().db);
    expect(stored).toContain(link.secret_hash);
    expect(stored).not.toContain(secret!);
    expect(stored).not.toContain(encodeURIComponent(account.token));
  });

  it('activates once when the same link is used twice in parallel', async () => {
    const account = await signupWithToken(t());
    const responses = await Promise.all([activate(t(), account.token), activate(t(), account.token)]);

    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(responses.find((r) => r.status === 409)?.body.error.code).toBe('activation_used');
    const activations = await t()
      .db.selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'account.activated')
      .execute();
    expect(activations).toHaveLength(1);
  });

  it('mails a new link on resend; the older link then stops working and the new one activates', async () => {
    const account = await signupWithToken(t());
    const response = await resend(t(), account.email);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'activation_sent' });

    const mails = await t().mailsTo(account.email);
    expect(mails.map((m) => m.subject)).toEqual(['Activate your WEM account', 'Activate your WEM account']);
    const newToken = await latestActivationToken(t(), account.email);
    expect(newToken).not.toBe(account.token);

    const old = await activate(t(), account.token);
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe('activation_invalid');
    expect((await activate(t(), newToken)).status).toBe(200);
  });

  it('lets an expired link be replaced through resend', async () => {
    const account = await signupWithToken(t());
    t().clock.advance(49 * hour);
    expect((await activate(t(), account.token)).status).toBe(410);

    await resend(t(), account.email);
    expect((await activate(t(), await latestActivationToken(t(), account.email))).status).toBe(200);
  });

  it('answers resend for an unknown address exactly as for a known one, and sends nothing', async () => {
    const account = await signupWithToken(t());
    const known = await resend(t(), account.email);
    const unknown = await resend(t(), 'nobody@example.net');

    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(await t().mailsTo('nobody@example.net')).toEqual([]);
    expect(t().smtp.received.every((m) => m.to === account.email)).toBe(true);
  });

  it('rate limits resend per address after three in 15 minutes, known or unknown alike', async () => {
    const account = await signupWithToken(t());
    const statusesFor = async (email: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await resend(t(), email)).status);
      return statuses;
    };
    expect(await statusesFor(account.email)).toEqual([202, 202, 202, 429]);
    expect(await statusesFor('nobody@example.net')).toEqual([202, 202, 202, 429]);

    const refused = await resend(t(), 'NOBODY@example.net ');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.body.error.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.body.error.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    expect(refused.headers['retry-after']).toBe(String(refused.body.error.retryAfterSeconds));

    t().clock.advance(15 * 60 * second);
    expect((await resend(t(), account.email)).status).toBe(202);
  });

  it('mails "already active" instead of a link when the account is already active', async () => {
    const account = await t().activeAccount();
    const response = await resend(t(), account.email);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'activation_sent' });

    const last = (await t().mailsTo(account.email)).at(-1);
    expect(last?.subject).toBe('Your WEM account is already active');
    expect(last?.text).not.toMatch(/activate\?token=/);
  });

  it('gives no session before activation: account_not_activated only after the right password', async () => {
    const account = await signupWithToken(t());
    const right = await t().request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
    });
    expect(right.status).toBe(403);
    expect(right.body.error.code).toBe('account_not_activated');
    expect(JSON.stringify(right.body)).not.toContain('session');

    const wrong = await t().request('POST', '/v1/login', {
      email: account.email,
      password: 'not-the-password-at-all',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(await t().db.selectFrom('sessions').select('id').execute()).toEqual([]);
  });
});

forEachDialect(
  'activation with ACTIVATION_LINK_TTL=1h',
  (t) => {
    it('says the link is valid for 1 hour and still activates one second before that', async () => {
      const account = await signupWithToken(t());
      const [mail] = await t().mailsTo(account.email);
      expect(mail?.text).toContain('valid for 1 hour.');

      t().clock.advance(hour - second);
      expect((await activate(t(), account.token)).status).toBe(200);
    });

    it('refuses the link one second after 1 hour as activation_expired', async () => {
      const account = await signupWithToken(t());
      t().clock.advance(hour + second);
      const response = await activate(t(), account.token);
      expect(response.status).toBe(410);
      expect(response.body.error.code).toBe('activation_expired');
    });
  },
  { env: { ACTIVATION_LINK_TTL: '1h' } },
);
