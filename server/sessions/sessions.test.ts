import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { forEachDialect, type TestApi } from '../../test/helpers/harness';
import { bearer, sessionTokenFor } from '../../test/helpers/login';

const minute = 60_000;
const hour = 60 * minute;

function me(t: TestApi, headers: Record<string, string>) {
  return t.request('GET', '/v1/me', undefined, headers);
}

function expectUnauthenticated(response: { status: number; body: { error?: { code?: string } } }) {
  expect(response.status).toBe(401);
  expect(response.body.error?.code).toBe('unauthenticated');
}

function flip(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

forEachDialect('sessions', (t) => {
  it('gives an activated account an enrollment session that opens GET /v1/me', async () => {
    const account = await t().activeAccount();
    const response = await t().request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
    });
    expect(response.status).toBe(200);
    expect(response.body.state).toBe('mfa_enrollment_required');
    expect(response.body.session.scope).toBe('enrollment');
    expect(response.body.session.expiresAt).toBe(new Date(t().clock.now() + 12 * hour).toISOString());

    const profile = await me(t(), bearer(response.body.session.token));
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ email: account.email, firstName: account.firstName });
    expect(profile.body.session.scope).toBe('enrollment');
  });

  it('issues a token of the form <id>.<secret> and stores only the SHA-256 of the secret', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    expect(match).not.toBeNull();
    const [, id = '', secret = ''] = match ?? [];
    expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);

    const rows = await t().db.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row?.id).toBe(id);
    expect(row?.secret_hash).toBe(createHash('sha256').update(secret).digest('base64url'));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(token);
  });

  it('refuses forged and altered tokens', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    const [id = '', secret = ''] = token.split('.');
    const forgedSecret = Buffer.alloc(32, 9).toString('base64url');
    const candidates = [
      `${Buffer.alloc(12, 1).toString('base64url')}.${forgedSecret}`,
      `${id}.${forgedSecret}`,
      `${Buffer.alloc(12, 1).toString('base64url')}.${secret}`,
      `${id}.${flip(secret, 0)}`,
      `${id}.${flip(secret, secret.length - 1)}`,
      `${flip(id, 3)}.${secret}`,
      `${id}.${secret.slice(0, -1)}`,
      `${token}A`,
      id,
      secret,
    ];
    for (const candidate of candidates) {
      expectUnauthenticated(await me(t(), bearer(candidate)));
    }
    expect((await me(t(), bearer(token))).status).toBe(200);
  });

  it('refuses a missing or malformed Authorization header', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    const headers: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: token },
      { authorization: `Basic ${token}` },
      { authorization: `Token ${token}` },
      { authorization: `Bearer ${token} ${token}` },
      { authorization: `Bearer ${token},` },
      { authorization: `Bearer "${token}"` },
      { 'x-session-token': token },
    ];
    for (const header of headers) {
      expectUnauthenticated(await me(t(), header));
    }
    expect(await me(t(), { authorization: `Bearer ${token}` })).toMatchObject({ status: 200 });
  });

  it('answers an unknown token exactly like a missing one', async () => {
    const forged = await me(t(), bearer(`${Buffer.alloc(12, 1).toString('base64url')}.${'A'.repeat(43)}`));
    const missing = await me(t(), {});
    expect(forged.body).toEqual(missing.body);
  });

  it('ends a busy session at SESSION_TTL (12h) after login', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    // Used every 30 minutes, so the idle timeout never strikes.
    for (let elapsed = 30 * minute; elapsed < 12 * hour; elapsed += 30 * minute) {
      t().clock.advance(30 * minute);
      expect((await me(t(), bearer(token))).status).toBe(200);
    }
    t().clock.advance(30 * minute - 1);
    expect((await me(t(), bearer(token))).status).toBe(200);
    t().clock.advance(1);
    expectUnauthenticated(await me(t(), bearer(token)));
  });

  it('ends a session after SESSION_IDLE_TTL (1h) without use, for good', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    t().clock.advance(hour);
    expectUnauthenticated(await me(t(), bearer(token)));
    // The refused attempt does not count as use.
    t().clock.advance(minute);
    expectUnauthenticated(await me(t(), bearer(token)));
  });

  it('keeps a session alive that is used just before the idle timeout, again and again', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    for (let i = 0; i < 4; i += 1) {
      t().clock.advance(hour - 1);
      expect((await me(t(), bearer(token))).status).toBe(200);
    }
    t().clock.advance(hour);
    expectUnauthenticated(await me(t(), bearer(token)));
  });

  it('logs out with 204 and the token is dead afterwards', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    const logout = await t().request('POST', '/v1/logout', undefined, bearer(token));
    expect(logout.status).toBe(204);
    expectUnauthenticated(await me(t(), bearer(token)));
    expectUnauthenticated(await t().request('POST', '/v1/logout', undefined, bearer(token)));

    const [row] = await t().db.selectFrom('sessions').select(['revoked_at']).execute();
    expect(row?.revoked_at).toBe(t().clock.now());
  });

  it('logs out with a JSON body as well', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    const logout = await t().request('POST', '/v1/logout', {}, bearer(token));
    expect(logout.status).toBe(204);
    expectUnauthenticated(await me(t(), bearer(token)));
  });

  it('ends only the session that logged out', async () => {
    const account = await t().activeAccount();
    const laptop = await sessionTokenFor(t(), account);
    const desktop = await sessionTokenFor(t(), account);
    expect(laptop).not.toBe(desktop);
    expect((await t().request('POST', '/v1/logout', undefined, bearer(laptop))).status).toBe(204);
    expectUnauthenticated(await me(t(), bearer(laptop)));
    expect((await me(t(), bearer(desktop))).status).toBe(200);
  });

  it('refuses logout without a session', async () => {
    expectUnauthenticated(await t().request('POST', '/v1/logout', undefined, {}));
    expectUnauthenticated(
      await t().request('POST', '/v1/logout', undefined, bearer(`${'A'.repeat(16)}.${'B'.repeat(43)}`)),
    );
  });

  it('refuses a token after its account is gone', async () => {
    const account = await t().activeAccount();
    const token = await sessionTokenFor(t(), account);
    await t().db.deleteFrom('accounts').execute();
    expectUnauthenticated(await me(t(), bearer(token)));
  });
});
