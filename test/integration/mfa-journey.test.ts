import { expect, it } from 'vitest';
import { activationTokenIn } from '../helpers/smtp-peer';
import { forEachDialect } from '../helpers/harness';
import { accountWithTotp, bearer, lastCodeMailedTo, totpCode } from '../helpers/mfa';
import { setRole } from '../../server/admin/roles';

forEachDialect('MFA journey over HTTP', (t) => {
  it('goes from signup to a trusted login, explicit logout, an approved MFA reset and re-enrollment', async () => {
    const api = t();
    const account = await api.signup();
    const [activationMail] = await api.mailsTo(account.email);
    expect(
      (await api.request('POST', '/v1/activation', { token: activationTokenIn(activationMail!) })).status,
    ).toBe(200);

    // First login: no factor yet, so an enrollment session.
    const first = await api.request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
    });
    expect(first.body.state).toBe('mfa_enrollment_required');
    const enrollment = first.body.session.token;

    // The enrollment session reaches nothing but enrollment.
    expect((await api.request('GET', '/v1/me/devices', undefined, bearer(enrollment))).body.error.code).toBe(
      'enrollment_required',
    );

    // Authenticator app: pending until one right code; the first factor makes the session full.
    const totp = await api.request('POST', '/v1/me/factors', { type: 'totp' }, bearer(enrollment));
    expect(totp.status).toBe(201);
    expect(totp.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/WEM:.*secret=[A-Z2-7]{32}&issuer=WEM/);
    const verifiedTotp = await api.request(
      'POST',
      `/v1/me/factors/${totp.body.factor.id}/verify`,
      { code: await totpCode(totp.body.secret, api) },
      bearer(enrollment),
    );
    expect(verifiedTotp.status).toBe(200);
    expect(verifiedTotp.body.session.scope).toBe('full');
    const full = verifiedTotp.body.session.token;
    expect((await api.request('GET', '/v1/me', undefined, bearer(enrollment))).status).toBe(401);

    // A second factor: email codes to another address, active after its code.
    const other = `second.${account.email}`;
    const email = await api.request('POST', '/v1/me/factors', { type: 'email', email: other }, bearer(full));
    expect(email.status).toBe(201);
    expect(email.body.sentTo).toMatch(/•••@example\.net$/);
    const verifiedEmail = await api.request(
      'POST',
      `/v1/me/factors/${email.body.factor.id}/verify`,
      { code: await lastCodeMailedTo(api, other) },
      bearer(full),
    );
    expect(verifiedEmail.body.factor.status).toBe('active');
    const me = await api.request('GET', '/v1/me', undefined, bearer(full));
    expect(me.body.factors.map((f: { type: string; status: string }) => `${f.type}:${f.status}`)).toEqual([
      'totp:active',
      'email:active',
    ]);

    // Sign in with the email code and trust this computer.
    const second = await api.request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
    });
    expect(second.body.state).toBe('mfa_required');
    expect(second.body.factors.map((f: { type: string }) => f.type)).toEqual(['totp', 'email']);
    const challenge = await api.request('POST', `/v1/login/${second.body.loginId}/challenge`, {
      factorId: email.body.factor.id,
    });
    expect(challenge.body).toMatchObject({ type: 'email', sentTo: expect.stringContaining('•••') });
    const verified = await api.request('POST', `/v1/login/${second.body.loginId}/verify`, {
      factorId: email.body.factor.id,
      code: await lastCodeMailedTo(api, other),
      trustDevice: true,
      deviceName: 'Work laptop',
    });
    expect(verified.status).toBe(200);
    const deviceToken = verified.body.trustedDevice.token;
    expect((await api.mailsTo(account.email)).map((m) => m.subject)).toContain(
      'A computer is now trusted for your WEM account',
    );

    // While trusted: password only.
    const trusted = await api.request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
      deviceToken,
    });
    expect(trusted.body.state).toBe('authenticated');

    // Explicit logout with the device token: trust is gone.
    expect(
      (await api.request('POST', '/v1/logout', { deviceToken }, bearer(trusted.body.session.token))).status,
    ).toBe(204);
    const afterLogout = await api.request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
      deviceToken,
    });
    expect(afterLogout.body.state).toBe('mfa_required');

    // No factor at hand: ask support for a reset.
    const reset = await api.request('POST', `/v1/login/${afterLogout.body.loginId}/mfa-reset-request`, {
      reason: 'Lost my phone and my mailbox was closed.',
    });
    expect(reset.status).toBe(202);
    expect(reset.body.status).toBe('pending');

    // The requester cannot decide it, even with the support role.
    await setRole(api.api.context, account.email, 'support', true, 'operator:test');
    const own = await api.request(
      'POST',
      `/v1/admin/mfa-reset-requests/${reset.body.requestId}/approve`,
      { note: 'self' },
      bearer(full),
    );
    expect(own.status).toBe(403);

    // Support approves: factors, sessions and trusted computers are gone; the owner is told.
    const agent = await accountWithTotp(api);
    await setRole(api.api.context, agent.email, 'support', true, 'operator:test');
    const pending = await api.request(
      'GET',
      '/v1/admin/mfa-reset-requests?status=pending',
      undefined,
      bearer(agent.token),
    );
    expect(pending.body.map((r: { id: string }) => r.id)).toEqual([reset.body.requestId]);
    const approved = await api.request(
      'POST',
      `/v1/admin/mfa-reset-requests/${reset.body.requestId}/approve`,
      { note: 'Identity checked by phone.' },
      bearer(agent.token),
    );
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect((await api.request('GET', '/v1/me', undefined, bearer(full))).status).toBe(401);
    expect((await api.mailsTo(account.email)).map((m) => m.subject)).toContain(
      'Your WEM sign-in methods were reset',
    );
    const again = await api.request(
      'POST',
      `/v1/admin/mfa-reset-requests/${reset.body.requestId}/deny`,
      { note: 'late' },
      bearer(agent.token),
    );
    expect(again.body.error.code).toBe('already_decided');
    const audit = await api.request(
      'GET',
      `/v1/admin/audit?accountId=${me.body.id}`,
      undefined,
      bearer(agent.token),
    );
    expect(audit.body.map((e: { action: string }) => e.action)).toContain('mfa.reset_approved');

    // The next login must enroll again, and can.
    const fresh = await api.request('POST', '/v1/login', {
      email: account.email,
      password: account.password,
      deviceToken,
    });
    expect(fresh.body.state).toBe('mfa_enrollment_required');
    const retotp = await api.request(
      'POST',
      '/v1/me/factors',
      { type: 'totp' },
      bearer(fresh.body.session.token),
    );
    const reenrolled = await api.request(
      'POST',
      `/v1/me/factors/${retotp.body.factor.id}/verify`,
      { code: await totpCode(retotp.body.secret, api) },
      bearer(fresh.body.session.token),
    );
    expect(reenrolled.body.session.scope).toBe('full');
  });
});
