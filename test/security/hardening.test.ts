import { describe, expect, it } from 'vitest';
import { asDeviceName } from '../../common/domain/text';
import { canonicalMailbox, normaliseEmail } from '../../common/domain/email';
import { signupBody } from '../helpers/accounts';
import { forEachDialect, startTestApi, type TestApi } from '../helpers/harness';
import { bearer } from '../helpers/mfa';
import { enrolledAccount, loginWithTotp } from '../helpers/trust';

/** docs/security.md 38: the outside review's low findings, fixed while there. */

function login(t: TestApi, email: string, password: string) {
  return t.request('POST', '/v1/login', { email, password });
}

forEachDialect('38. answers that carry secrets', (t) => {
  it('are never cached and never sniffed', async () => {
    const account = await t().activeAccount();
    const signedIn = await login(t(), account.email, account.password);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    expect(signedIn.headers['x-content-type-options']).toBe('nosniff');
    const me = await t().request('GET', '/v1/me', undefined, bearer(signedIn.body.session.token));
    expect(me.headers['cache-control']).toBe('no-store');
    const health = await t().request('GET', '/healthz');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('38. HSTS', () => {
  it('is sent when the public address is https', async () => {
    const t = await startTestApi('sqlite', { env: { PUBLIC_URL: 'https://account.wem.example' } });
    try {
      const health = await t.request('GET', '/healthz');
      expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await t.close();
    }
  });
});

forEachDialect('38. trusted computer names', (t) => {
  it('are names, not sentences or links, in My details and in the owner’s mail', async () => {
    const account = await enrolledAccount(t());
    const device = await loginWithTotp(t(), account, {
      deviceName: 'Claim your prize at https://evil.example/win?now=1 before it is gone, really, today',
    });
    const listed = await t().request('GET', '/v1/me/devices', undefined, bearer(device.token));
    const name: string = listed.body[0].name;
    expect(name).not.toMatch(/[:/.?=,]/);
    expect([...name].length).toBeLessThanOrEqual(48);
    const notice = (await t().mailsTo(account.email)).find((m) => m.subject.includes('trusted'));
    expect(notice?.text).toContain(`"${name}"`);
    expect(notice?.text).not.toContain('evil.example');
    expect(notice?.text).not.toContain('https://evil');
  });

  it('refuse a name longer than the contract allows', async () => {
    const account = await enrolledAccount(t());
    const started = await t().request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
    });
    const verify = await t().request('POST', `/v1/login/${started.body.loginId}/verify`, {
      factorId: account.totpFactorId,
      code: '000000',
      trustDevice: true,
      deviceName: 'x'.repeat(101),
    });
    expect(verify.status).toBe(400);
    expect(verify.body.error.code).toBe('validation_failed');
  });
});

describe('asDeviceName', () => {
  it('keeps ordinary computer names as they are', () => {
    for (const name of ["Jane's MacBook Pro", 'DESKTOP-4F2K9', 'werkplek (thuis)', 'Ноутбук Ани'])
      expect(asDeviceName(name)).toBe(name);
    expect(asDeviceName('  ')).toBe('Unnamed computer');
    expect(asDeviceName(undefined)).toBe('Unnamed computer');
  });
});

forEachDialect('38. look-alike addresses', (t) => {
  it('meet on one account: fullwidth letters, upper case and an IDN domain in either spelling', async () => {
    const fields = await t().activeAccount({ email: 'jane.lookalike@bücher.example' });
    for (const spelling of [
      'ｊａｎｅ.lookalike@bücher.example',
      'JANE.LOOKALIKE@BÜCHER.EXAMPLE',
      'jane.lookalike@xn--bcher-kva.example',
    ]) {
      const answer = await login(t(), spelling, fields.password);
      expect(answer.status, spelling).toBe(200);
    }
    const again = await t().request(
      'POST',
      '/v1/accounts',
      signupBody({ email: 'jane.lookalike@xn--bcher-kva.example', password: 'other-long-passphrase-9' }),
    );
    expect(again.status).toBe(202);
    expect(await t().db.selectFrom('accounts').select('id').execute()).toHaveLength(1);
  });

  it('are refused when they hide invisible characters', async () => {
    for (const email of [
      'ja\u200bne@example.net',
      'ja\u00adne@example.net',
      'jane@exam\u200dple.net',
      'jane\u2060@example.net',
    ]) {
      const answer = await t().request('POST', '/v1/accounts', signupBody({ email }));
      expect(answer.status, JSON.stringify(email)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    }
  });
});

describe('canonical mailboxes and normalised addresses', () => {
  it('fold what providers fold, for counting sends only', () => {
    expect(canonicalMailbox('Jane.Doe+news@GoogleMail.com')).toBe('janedoe@gmail.com');
    expect(canonicalMailbox('jane.doe+x@example.org')).toBe('jane.doe@example.org');
    expect(normaliseEmail('jane.doe+x@example.org')).toBe('jane.doe+x@example.org');
    expect(normaliseEmail('Jane@Bücher.Example.')).toBe('jane@xn--bcher-kva.example');
  });
});

describe('38. a short idle timeout', () => {
  it('keeps a session that is used, and ends one that sits idle, even below the one-minute touch', async () => {
    const t = await startTestApi('sqlite', { env: { SESSION_IDLE_TTL: '30s' } });
    try {
      const account = await t.activeAccount();
      const token: string = (await login(t, account.email, account.password)).body.session.token;
      for (let i = 0; i < 6; i++) {
        t.clock.advance(20_000);
        expect((await t.request('GET', '/v1/me', undefined, bearer(token))).status).toBe(200);
      }
      t.clock.advance(30_000);
      expect((await t.request('GET', '/v1/me', undefined, bearer(token))).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
