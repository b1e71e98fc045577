import { expect, it } from 'vitest';
import { everythingStored } from '../../test/helpers/accounts';
import { forEachDialect, type JsonResponse, type TestApi } from '../../test/helpers/harness';
import {
  accountWithTotp,
  bearer,
  lastCodeMailedTo,
  totpCode,
  type EnrolledAccount,
} from '../../test/helpers/mfa';
import { addRecoveryCodes, passwordStep, SmsInbox, wrongCodes } from '../../test/helpers/mfa-factors';

// My details -> Manage MFA (docs/api.md rules 6-7) and docs/security.md 19.

const minute = 60_000;
const inbox = new SmsInbox();

function expectError(response: { status: number; body: JsonResponse }, status: number, code: string) {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
}

function addFactor(api: TestApi, token: string, body: Record<string, string>) {
  return api.request('POST', '/v1/me/factors', body, bearer(token));
}

function removeFactor(api: TestApi, token: string, factorId: string) {
  return api.request('DELETE', `/v1/me/factors/${factorId}`, undefined, bearer(token));
}

async function factorRows(api: TestApi) {
  return api.db.selectFrom('mfa_factors').selectAll().orderBy('created_at').execute();
}

async function me(api: TestApi, token: string): Promise<JsonResponse> {
  const response = await api.request('GET', '/v1/me', undefined, bearer(token));
  expect(response.status).toBe(200);
  return response.body;
}

/** Proves the authenticator again on a session; returns the privilegedUntil it was given. */
async function stepUpWithTotp(api: TestApi, account: EnrolledAccount, token: string): Promise<string> {
  const started = await api.request(
    'POST',
    '/v1/me/step-up',
    { factorId: account.totpFactorId },
    bearer(token),
  );
  expect(started.status).toBe(200);
  const verified = await api.request(
    'POST',
    '/v1/me/step-up/verify',
    { factorId: account.totpFactorId, code: await totpCode(account.totpSecret, api) },
    bearer(token),
  );
  expect(verified.status).toBe(200);
  // The next code must come from a later step.
  api.clock.advance(30_000);
  return verified.body.privilegedUntil;
}

/** A full session from a trusted-computer login: no factor asked, so not privileged. */
async function trustedComputerSession(api: TestApi, account: EnrolledAccount): Promise<string> {
  const { loginId } = await passwordStep(api, account);
  const verified = await api.request('POST', `/v1/login/${loginId}/verify`, {
    factorId: account.totpFactorId,
    code: await totpCode(account.totpSecret, api),
    trustDevice: true,
    deviceName: 'Work laptop',
  });
  api.clock.advance(30_000);
  const trusted = await api.request('POST', '/v1/login', {
    email: account.email,
    password: account.password,
    deviceToken: verified.body.trustedDevice.token,
  });
  expect(trusted.body.state).toBe('authenticated');
  return trusted.body.session.token;
}

/** An activated account whose first (and only) factor is a code mailed to its own address. */
async function accountWithEmailOnly(api: TestApi) {
  const account = await api.activeAccount();
  const first = await api.request('POST', '/v1/login', { email: account.email, password: account.password });
  const enrollment: string = first.body.session.token;
  const added = await addFactor(api, enrollment, { type: 'email', email: account.email });
  const verified = await api.request(
    'POST',
    `/v1/me/factors/${added.body.factor.id}/verify`,
    { code: await lastCodeMailedTo(api, account.email) },
    bearer(enrollment),
  );
  expect(verified.body.session.scope).toBe('full');
  return {
    ...account,
    emailFactorId: added.body.factor.id as string,
    token: verified.body.session.token as string,
  };
}

forEachDialect('Manage MFA: changes need a fresh step-up', (t) => {
  it('refuses to add or remove a factor from a trusted-computer session until it steps up', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const token = await trustedComputerSession(api, account);
    const before = await factorRows(api);

    const bodies: Record<string, string>[] = [
      { type: 'totp' },
      { type: 'email', email: `other.${account.email}` },
      { type: 'sms', phone: '+31612345678' },
      { type: 'recovery_codes' },
    ];
    for (const body of bodies) {
      const refused = await addFactor(api, token, body);
      expectError(refused, 403, 'step_up_required');
      expect(refused.body).not.toHaveProperty('secret');
      expect(refused.body).not.toHaveProperty('codes');
    }
    expectError(await removeFactor(api, token, account.totpFactorId), 403, 'step_up_required');
    expect(await factorRows(api)).toEqual(before);
    expect(await api.mailsTo(`other.${account.email}`)).toEqual([]);

    await stepUpWithTotp(api, account, token);
    expect((await addFactor(api, token, { type: 'recovery_codes' })).status).toBe(201);
  });

  it('lets the session of a factor verification change factors for 10 minutes and not after', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const enrolledAt = api.clock.now() - 30_000;
    expect(Date.parse((await me(api, account.token)).session.privilegedUntil)).toBe(enrolledAt + 10 * minute);

    api.clock.set(enrolledAt + 10 * minute - 1_000);
    expect((await addFactor(api, account.token, { type: 'recovery_codes' })).status).toBe(201);
    api.clock.set(enrolledAt + 10 * minute);
    expectError(await addFactor(api, account.token, { type: 'recovery_codes' }), 403, 'step_up_required');
    api.clock.advance(minute);
    expectError(await addFactor(api, account.token, { type: 'totp' }), 403, 'step_up_required');
    const recovery = (await factorRows(api)).find((f) => f.type === 'recovery_codes');
    expectError(await removeFactor(api, account.token, recovery!.id), 403, 'step_up_required');
  });

  it('lets a step-up change factors for 10 minutes and not after', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    api.clock.advance(10 * minute);
    expectError(await addFactor(api, account.token, { type: 'recovery_codes' }), 403, 'step_up_required');

    const steppedUpAt = api.clock.now();
    const privilegedUntil = await stepUpWithTotp(api, account, account.token);
    expect(Date.parse(privilegedUntil)).toBe(steppedUpAt + 10 * minute);

    api.clock.set(steppedUpAt + 10 * minute - 1_000);
    const codes = await addRecoveryCodes(api, account.token);
    api.clock.set(steppedUpAt + 10 * minute);
    expectError(await removeFactor(api, account.token, codes.id), 403, 'step_up_required');
    expectError(await addFactor(api, account.token, { type: 'recovery_codes' }), 403, 'step_up_required');

    await stepUpWithTotp(api, account, account.token);
    expect((await removeFactor(api, account.token, codes.id)).status).toBe(204);
  });
});

forEachDialect('Manage MFA: pending factors', (t) => {
  it('keeps a pending authenticator out of login and out of the last-factor count until one right code', async () => {
    const api = t();
    const account = await accountWithEmailOnly(api);
    const pending = await addFactor(api, account.token, { type: 'totp', label: 'Phone' });
    expect(pending.status).toBe(201);
    expect(pending.body.factor).toMatchObject({ type: 'totp', label: 'Phone', status: 'pending' });
    const secret: string = pending.body.secret;

    const login = await passwordStep(api, account);
    expect(login.factors.map((f) => f.type)).toEqual(['email']);
    expectError(await removeFactor(api, account.token, account.emailFactorId), 409, 'last_factor');

    const window = await Promise.all([-1, 0, 1].map((s) => totpCode(secret, api, s)));
    const wrong = await api.request(
      'POST',
      `/v1/me/factors/${pending.body.factor.id}/verify`,
      { code: wrongCodes(1, window)[0] },
      bearer(account.token),
    );
    expectError(wrong, 401, 'invalid_code');
    expect((await me(api, account.token)).factors.map((f: { status: string }) => f.status)).toEqual([
      'active',
      'pending',
    ]);
    expectError(await removeFactor(api, account.token, account.emailFactorId), 409, 'last_factor');

    const right = await api.request(
      'POST',
      `/v1/me/factors/${pending.body.factor.id}/verify`,
      { code: await totpCode(secret, api) },
      bearer(account.token),
    );
    expect(right.status).toBe(200);
    expect(right.body.factor.status).toBe('active');
    expect((await passwordStep(api, account)).factors.map((f) => f.type)).toEqual(['email', 'totp']);
    expect((await removeFactor(api, account.token, account.emailFactorId)).status).toBe(204);
  });

  it('never gives an authenticator secret back and stores it only sealed', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const enrolled = await me(api, account.token);
    const pending = await addFactor(api, account.token, { type: 'totp' });
    const secret: string = pending.body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(pending.body.otpauthUri).toContain(`secret=${secret}`);

    const listed = await me(api, account.token);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(JSON.stringify(listed)).not.toContain(account.totpSecret);
    expect(JSON.stringify(enrolled)).not.toContain(account.totpSecret);
    expectError(
      await api.request(
        'POST',
        `/v1/me/factors/${pending.body.factor.id}/resend`,
        undefined,
        bearer(account.token),
      ),
      404,
      'factor_not_found',
    );

    const rows = await factorRows(api);
    expect(rows.map((r) => r.type)).toEqual(['totp', 'totp']);
    for (const row of rows) {
      expect(row.secret).toEqual(expect.any(String));
      expect(row.secret).not.toContain(secret);
      expect(row.secret).not.toContain(account.totpSecret);
    }
    const stored = await everythingStored(api.db);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(account.totpSecret);
  });

  it('replaces an abandoned authenticator setup with a new secret', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const abandoned = await addFactor(api, account.token, { type: 'totp' });
    const again = await addFactor(api, account.token, { type: 'totp' });
    expect(again.body.secret).not.toBe(abandoned.body.secret);
    expect((await factorRows(api)).map((r) => `${r.type}:${r.status}`)).toEqual([
      'totp:active',
      'totp:pending',
    ]);

    expectError(
      await api.request(
        'POST',
        `/v1/me/factors/${abandoned.body.factor.id}/verify`,
        { code: await totpCode(abandoned.body.secret, api) },
        bearer(account.token),
      ),
      404,
      'factor_not_found',
    );
    const oldSecretOnNewFactor = await api.request(
      'POST',
      `/v1/me/factors/${again.body.factor.id}/verify`,
      { code: await totpCode(abandoned.body.secret, api) },
      bearer(account.token),
    );
    expectError(oldSecretOnNewFactor, 401, 'invalid_code');
  });
});

forEachDialect(
  'Manage MFA: email and SMS factors',
  (t) => {
    it('activates an email factor for another address only with the latest code sent there', async () => {
      const api = t();
      const account = await accountWithTotp(api);
      const other = `elsewhere.${account.email}`;
      const added = await addFactor(api, account.token, { type: 'email', email: other });
      expect(added.status).toBe(201);
      expect(added.body.factor.status).toBe('pending');
      expect(added.body.sentTo).toBe('e•••@example.net');
      expect(added.body.factor.label).toBe(added.body.sentTo);
      const code = await lastCodeMailedTo(api, other);
      // The account's own mailbox got no code: only the new address can prove itself.
      const ownSubjects = (await api.mailsTo(account.email)).map((m) => m.subject);
      expect(ownSubjects.filter((s) => s.includes('WEM code'))).toEqual([]);

      const verifyWith = (c: string) =>
        api.request(
          'POST',
          `/v1/me/factors/${added.body.factor.id}/verify`,
          { code: c },
          bearer(account.token),
        );
      expectError(await verifyWith(wrongCodes(1, [code])[0]!), 401, 'invalid_code');
      expect((await factorRows(api)).find((f) => f.id === added.body.factor.id)?.status).toBe('pending');
      expectError(
        await api.request(
          'POST',
          `/v1/me/factors/${added.body.factor.id}/resend`,
          undefined,
          bearer(account.token),
        ),
        429,
        'resend_too_soon',
      );

      // A resend after 30 seconds replaces the code.
      api.clock.advance(30_000);
      const resent = await api.request(
        'POST',
        `/v1/me/factors/${added.body.factor.id}/resend`,
        undefined,
        bearer(account.token),
      );
      expect(resent.status).toBe(200);
      expect(resent.body.sentTo).toBe(added.body.sentTo);
      const newer = await lastCodeMailedTo(api, other);
      expect(newer).not.toBe(code);
      expectError(await verifyWith(code), 401, 'invalid_code');

      const verified = await verifyWith(newer);
      expect(verified.status).toBe(200);
      expect(verified.body.factor).toMatchObject({
        id: added.body.factor.id,
        type: 'email',
        status: 'active',
      });
      const login = await passwordStep(api, account);
      expect(login.factors.find((f) => f.type === 'email')?.label).toBe(added.body.sentTo);
      expect((await api.mailsTo(account.email)).map((m) => m.subject)).toContain(
        'A sign-in method was added to your WEM account',
      );
    });

    it('reads a Dutch national number with the locale nl, stores it as E.164 and shows its last two digits', async () => {
      const api = t();
      const account = await api.activeAccount({ locale: 'nl' });
      const first = await api.request('POST', '/v1/login', {
        email: account.email,
        password: account.password,
      });
      const enrollment: string = first.body.session.token;

      const added = await addFactor(api, enrollment, { type: 'sms', phone: '06 12345678' });
      expect(added.status).toBe(201);
      expect(added.body.factor.label).toBe('•••• 78');
      expect(added.body.sentTo).toBe('•••• 78');
      const row = (await factorRows(api))[0]!;
      expect(row.target).toBe('+31612345678');
      const code = await inbox.lastCodeTo(api, '+31612345678');
      expect(inbox.sent.at(-1)?.body).toContain('Je WEM-code');

      const verified = await api.request(
        'POST',
        `/v1/me/factors/${added.body.factor.id}/verify`,
        { code },
        bearer(enrollment),
      );
      expect(verified.body.factor.status).toBe('active');
      expect(verified.body.session.scope).toBe('full');
      expect((await passwordStep(api, account)).factors).toEqual([
        { id: added.body.factor.id, type: 'sms', label: '•••• 78' },
      ]);
    });

    it('reads a national number with the country NL for an English-speaking account, and refuses it without', async () => {
      const api = t();
      const account = await accountWithTotp(api);
      expectError(
        await addFactor(api, account.token, { type: 'sms', phone: '06 87654321' }),
        400,
        'invalid_phone',
      );

      const added = await addFactor(api, account.token, {
        type: 'sms',
        phone: '06-8765 4321',
        country: 'NL',
      });
      expect(added.status).toBe(201);
      expect(added.body.factor.label).toBe('•••• 21');
      expect((await factorRows(api)).find((f) => f.type === 'sms')?.target).toBe('+31687654321');
      const code = await inbox.lastCodeTo(api, '+31687654321');
      expect(inbox.sent.at(-1)?.body).toContain('Your WEM code');
      const verified = await api.request(
        'POST',
        `/v1/me/factors/${added.body.factor.id}/verify`,
        { code },
        bearer(account.token),
      );
      expect(verified.body.factor.status).toBe('active');
    });

    it('refuses a number that cannot receive a text and an address that is not one', async () => {
      const api = t();
      const account = await accountWithTotp(api);
      for (const phone of ['12345', '+31 6 1234', 'call me', '+31 20 123 4567', '+31612345678 ext. 12', '']) {
        expectError(
          await addFactor(api, account.token, { type: 'sms', phone, country: 'NL' }),
          400,
          'invalid_phone',
        );
      }
      for (const email of ['not-an-email', 'jane@', '@example.net', 'jane doe@example.net', 'jane@example']) {
        expectError(await addFactor(api, account.token, { type: 'email', email }), 400, 'invalid_email');
      }
      const landline = await addFactor(api, account.token, {
        type: 'sms',
        phone: '020 123 4567',
        country: 'NL',
      });
      expectError(landline, 400, 'invalid_phone');
      expect(landline.body.error.reason).toBe('not_mobile');
      expect((await factorRows(api)).map((f) => f.type)).toEqual(['totp']);
      await api.api.worker.drain();
      expect(inbox.sent.filter((s) => s.to.startsWith('+3120'))).toEqual([]);
    });
  },
  { smsProvider: inbox },
);

forEachDialect('Manage MFA: recovery codes', (t) => {
  it('shows ten codes once, each of which signs in once', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const recovery = await addRecoveryCodes(api, account.token);
    expect(recovery.codes).toHaveLength(10);
    expect(new Set(recovery.codes).size).toBe(10);
    for (const code of recovery.codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);

    const listed = JSON.stringify(await me(api, account.token));
    const stored = await everythingStored(api.db);
    for (const code of recovery.codes) {
      expect(listed).not.toContain(code);
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ''));
    }

    for (const [i, code] of recovery.codes.entries()) {
      const { loginId, factors } = await passwordStep(api, account);
      expect(factors.map((f) => f.type)).toEqual(['totp', 'recovery_codes']);
      // Typed back by hand: case and separators do not matter.
      const typed = i % 2 === 0 ? code : code.toUpperCase().replace(/-/g, ' ');
      const answer = await api.request('POST', `/v1/login/${loginId}/verify`, {
        factorId: recovery.id,
        code: typed,
      });
      expect(answer.status).toBe(200);
    }

    const spent = await passwordStep(api, account);
    expect(spent.factors.map((f) => f.type)).toEqual(['totp']);
    expectError(
      await api.request('POST', `/v1/login/${spent.loginId}/verify`, {
        factorId: recovery.id,
        code: recovery.codes[0],
      }),
      401,
      'invalid_code',
    );
  });

  it('replaces the old set with a new one', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const old = await addRecoveryCodes(api, account.token);
    const first = await passwordStep(api, account);
    expect(
      (
        await api.request('POST', `/v1/login/${first.loginId}/verify`, {
          factorId: old.id,
          code: old.codes[0],
        })
      ).status,
    ).toBe(200);

    const renewed = await addRecoveryCodes(api, account.token);
    expect(renewed.id).toBe(old.id);
    expect(renewed.codes.filter((c) => old.codes.includes(c))).toEqual([]);
    expect((await factorRows(api)).filter((f) => f.type === 'recovery_codes')).toHaveLength(1);

    const second = await passwordStep(api, account);
    for (const code of old.codes.slice(1, 3)) {
      expectError(
        await api.request('POST', `/v1/login/${second.loginId}/verify`, { factorId: old.id, code }),
        401,
        'invalid_code',
      );
    }
    expect(
      (
        await api.request('POST', `/v1/login/${second.loginId}/verify`, {
          factorId: renewed.id,
          code: renewed.codes[9],
        })
      ).status,
    ).toBe(200);
  });

  it('never counts recovery codes as the factor that must stay', async () => {
    const api = t();
    const account = await accountWithTotp(api);
    const recovery = await addRecoveryCodes(api, account.token);

    expectError(await removeFactor(api, account.token, account.totpFactorId), 409, 'last_factor');
    expect((await factorRows(api)).map((f) => f.type)).toEqual(['totp', 'recovery_codes']);
    // The recovery codes themselves may go.
    expect((await removeFactor(api, account.token, recovery.id)).status).toBe(204);
    expectError(await removeFactor(api, account.token, account.totpFactorId), 409, 'last_factor');
    expect((await passwordStep(api, account)).factors.map((f) => f.type)).toEqual(['totp']);
  });
});
