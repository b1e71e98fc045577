import { expect, it } from 'vitest';
import { forEachDialect, type TestApi } from '../../test/helpers/harness';
import { accountWithTotp, bearer } from '../../test/helpers/mfa';
import { passwordStep } from '../../test/helpers/mfa-factors';
import {
  accountIdOf,
  loginWithDevice,
  loginWithTotp,
  nextTotpCode,
  requestReset,
  subjectsTo,
  supportAgent,
} from '../../test/helpers/trust';
import { setRole } from './roles';

// docs/security.md 21 and docs/api.md rule 8: a user with no factor at hand asks, support decides.

const note = 'Identity checked by video call.';

function decide(
  api: TestApi,
  token: string,
  requestId: string,
  decision: 'approve' | 'deny',
  body = { note },
) {
  return api.request('POST', `/v1/admin/mfa-reset-requests/${requestId}/${decision}`, body, bearer(token));
}

async function requestRow(api: TestApi, requestId: string) {
  return api.db
    .selectFrom('mfa_reset_requests')
    .selectAll()
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
}

async function auditOf(api: TestApi, accountId: string, action: string) {
  const rows = await api.db
    .selectFrom('audit_log')
    .select(['actor', 'detail'])
    .where('account_id', '=', accountId)
    .where('action', '=', action)
    .execute();
  return rows.map((row) => ({ actor: row.actor, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

async function liveSessions(api: TestApi, accountId: string): Promise<number> {
  const rows = await api.db
    .selectFrom('sessions')
    .select('id')
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute();
  return rows.length;
}

forEachDialect('MFA reset requests', (t) => {
  it('refuses every support route to an account without the support role', async () => {
    const api = t();
    const owner = await accountWithTotp(api);
    const requestId = await requestReset(api, owner);
    const colleague = await accountWithTotp(api);
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/admin/mfa-reset-requests'],
      ['GET', '/v1/admin/mfa-reset-requests?status=pending'],
      ['POST', `/v1/admin/mfa-reset-requests/${requestId}/approve`, { note }],
      ['POST', `/v1/admin/mfa-reset-requests/${requestId}/deny`, { note }],
      ['GET', '/v1/admin/audit'],
      ['GET', `/v1/admin/audit?accountId=${await accountIdOf(api, owner.email)}`],
    ];
    const check = async (expected: { status: number; code: string }, headers: Record<string, string>) => {
      for (const [method, url, body] of routes) {
        const response = await api.request(method, url, body, headers);
        expect({ status: response.status, code: response.body.error?.code }, `${method} ${url}`).toEqual(
          expected,
        );
      }
    };

    await check({ status: 403, code: 'forbidden' }, bearer(colleague.token));
    // The requester's own sessions have no business there either.
    await check({ status: 403, code: 'forbidden' }, bearer(owner.token));
    await check({ status: 401, code: 'unauthenticated' }, {});
    // A role that was taken away is gone at once.
    await setRole(api.api.context, colleague.email, 'support', true, 'operator:test');
    expect(
      (await api.request('GET', '/v1/admin/mfa-reset-requests', undefined, bearer(colleague.token))).status,
    ).toBe(200);
    await setRole(api.api.context, colleague.email, 'support', false, 'operator:test');
    await check({ status: 403, code: 'forbidden' }, bearer(colleague.token));

    expect((await requestRow(api, requestId)).status).toBe('pending');
    expect((await passwordStep(api, owner)).factors.map((f) => f.id)).toEqual([owner.totpFactorId]);
  });

  it('approves a reset as an audited support decision that ends every way in and forces a new enrollment', async () => {
    const api = t();
    const owner = await accountWithTotp(api);
    const ownerId = await accountIdOf(api, owner.email);
    const trusting = await loginWithTotp(api, owner, { deviceName: 'Work laptop' });
    const requestId = await requestReset(api, owner);

    // Asking changes nothing by itself: only a decision does.
    expect((await loginWithDevice(api, owner, trusting.device!.token)).body.state).toBe('authenticated');
    const agent = await supportAgent(api);
    const pending = await api.request(
      'GET',
      '/v1/admin/mfa-reset-requests?status=pending',
      undefined,
      bearer(agent.token),
    );
    expect(pending.body).toEqual([
      expect.objectContaining({
        id: requestId,
        accountId: ownerId,
        email: owner.email,
        status: 'pending',
        reason: 'I lost my phone and cannot reach my mailbox.',
        decidedBy: null,
      }),
    ]);

    const approved = await decide(api, agent.token, requestId, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      id: requestId,
      status: 'approved',
      decidedBy: `support:${agent.id}`,
      note,
    });
    expect(await auditOf(api, ownerId, 'mfa.reset_approved')).toEqual([
      { actor: `support:${agent.id}`, detail: { requestId, note } },
    ]);
    expect(await auditOf(api, ownerId, 'mfa.reset_requested')).toEqual([
      { actor: 'user', detail: { requestId } },
    ]);
    const audit = await api.request(
      'GET',
      `/v1/admin/audit?accountId=${ownerId}`,
      undefined,
      bearer(agent.token),
    );
    expect(audit.body).toContainEqual(
      expect.objectContaining({ action: 'mfa.reset_approved', actor: `support:${agent.id}` }),
    );

    expect(
      await api.db.selectFrom('mfa_factors').select('id').where('account_id', '=', ownerId).execute(),
    ).toEqual([]);
    expect(await liveSessions(api, ownerId)).toBe(0);
    expect((await subjectsTo(api, owner.email)).at(-1)).toBe('Your WEM sign-in methods were reset');

    // The next login, trusted computer or not, can only enroll a factor again.
    const next = await loginWithDevice(api, owner, trusting.device!.token);
    expect(next.body.state).toBe('mfa_enrollment_required');
    const enrollment = bearer(next.body.session.token);
    expect((await api.request('GET', '/v1/me/devices', undefined, enrollment)).body.error.code).toBe(
      'enrollment_required',
    );
    expect((await api.request('GET', '/v1/me', undefined, enrollment)).body.factors).toEqual([]);
    const listed = await api.request(
      'GET',
      '/v1/admin/mfa-reset-requests?status=approved',
      undefined,
      bearer(agent.token),
    );
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual([requestId]);
  });

  it('leaves factors, sessions and trusted computers alone when support denies a reset', async () => {
    const api = t();
    const owner = await accountWithTotp(api);
    const ownerId = await accountIdOf(api, owner.email);
    const trusting = await loginWithTotp(api, owner, { deviceName: 'Work laptop' });
    const requestId = await requestReset(api, owner);
    const agent = await supportAgent(api);
    const sessionsBefore = await liveSessions(api, ownerId);

    const denied = await decide(api, agent.token, requestId, 'deny');
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied', decidedBy: `support:${agent.id}`, note });
    expect(await auditOf(api, ownerId, 'mfa.reset_denied')).toEqual([
      { actor: `support:${agent.id}`, detail: { requestId, note } },
    ]);
    expect(await liveSessions(api, ownerId)).toBe(sessionsBefore);
    expect((await api.request('GET', '/v1/me', undefined, bearer(owner.token))).body.factors).toHaveLength(1);
    expect((await loginWithDevice(api, owner, trusting.device!.token)).body.state).toBe('authenticated');
    expect((await subjectsTo(api, owner.email)).at(-1)).toBe('Your WEM reset request was not approved');
  });

  it('does not let the requester decide their own request, even with the support role', async () => {
    const api = t();
    const owner = await accountWithTotp(api);
    const requestId = await requestReset(api, owner);
    await setRole(api.api.context, owner.email, 'support', true, 'operator:test');

    for (const decision of ['approve', 'deny'] as const) {
      const own = await decide(api, owner.token, requestId, decision);
      expect(own.status).toBe(403);
      expect(own.body.error.code).toBe('forbidden');
    }
    expect(await requestRow(api, requestId)).toMatchObject({ status: 'pending', decided_by: null });
    expect(await liveSessions(api, await accountIdOf(api, owner.email))).toBeGreaterThan(0);

    // A decision needs a note for the audit log and the user.
    const agent = await supportAgent(api);
    for (const body of [{ note: '' }, { note: '   ' }, {}]) {
      const silent = await api.request(
        'POST',
        `/v1/admin/mfa-reset-requests/${requestId}/approve`,
        body,
        bearer(agent.token),
      );
      expect(silent.status).toBe(400);
      expect(silent.body.error.code).toBe('validation_failed');
    }
    expect((await requestRow(api, requestId)).status).toBe('pending');
    expect((await decide(api, agent.token, requestId, 'approve')).status).toBe(200);
  });

  it('decides a request only once, also when two agents approve it at the same moment', async () => {
    const api = t();
    const first = await accountWithTotp(api);
    const second = await accountWithTotp(api);
    const agent = await supportAgent(api);
    const colleague = await supportAgent(api);

    const decided = await requestReset(api, first);
    expect((await decide(api, agent.token, decided, 'deny')).status).toBe(200);
    for (const decision of ['approve', 'deny'] as const) {
      const again = await decide(api, colleague.token, decided, decision);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('already_decided');
    }
    expect(await requestRow(api, decided)).toMatchObject({
      status: 'denied',
      decided_by: `support:${agent.id}`,
    });

    const raced = await requestReset(api, second);
    const outcomes = await Promise.all([
      decide(api, agent.token, raced, 'approve'),
      decide(api, colleague.token, raced, 'approve'),
    ]);
    expect(outcomes.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(outcomes.find((r) => r.status === 409)!.body.error.code).toBe('already_decided');
    const winner = outcomes[0]!.status === 200 ? agent : colleague;
    expect(await auditOf(api, await accountIdOf(api, second.email), 'mfa.reset_approved')).toEqual([
      { actor: `support:${winner.id}`, detail: { requestId: raced, note } },
    ]);
    const mails = await subjectsTo(api, second.email);
    expect(mails.filter((subject) => subject === 'Your WEM sign-in methods were reset')).toHaveLength(1);

    const unknown = await decide(api, agent.token, 'no-such-request', 'approve');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('takes a reset request only from a live sign-in and with a reason', async () => {
    const api = t();
    const owner = await accountWithTotp(api);
    const ownerId = await accountIdOf(api, owner.email);
    const login = await api.request('POST', '/v1/login', { email: owner.email, password: owner.password });
    const url = `/v1/login/${login.body.loginId}/mfa-reset-request`;

    for (const [body, reason] of [
      [{ reason: '' }, 'required'],
      [{ reason: '          ' }, 'required'],
      [{ reason: 'lost it' }, 'too_short'],
      [{}, undefined],
    ] as const) {
      const refused = await api.request('POST', url, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
      expect(refused.body.error.fields).toHaveProperty('reason');
      if (reason) expect(refused.body.error.fields.reason).toBe(reason);
    }
    const unknown = await api.request('POST', '/v1/login/not-a-login/mfa-reset-request', {
      reason: 'I lost my phone and my laptop.',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('login_not_found');
    expect(await api.db.selectFrom('mfa_reset_requests').select('id').execute()).toEqual([]);

    // The loginId lives as long as the sign-in it came from, to the millisecond.
    const expiresAt = Date.parse(login.body.expiresAt);
    api.clock.set(expiresAt - 1);
    expect((await api.request('POST', url, { reason: 'I lost my phone and my laptop.' })).status).toBe(202);
    api.clock.set(expiresAt);
    const late = await api.request('POST', url, { reason: 'I lost my phone and my laptop, really.' });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('login_expired');
    const rows = await api.db
      .selectFrom('mfa_reset_requests')
      .select(['reason'])
      .where('account_id', '=', ownerId)
      .execute();
    expect(rows).toEqual([{ reason: 'I lost my phone and my laptop.' }]);

    // A sign-in that already finished is no longer a way to ask.
    const { loginId } = await passwordStep(api, owner);
    const verified = await api.request('POST', `/v1/login/${loginId}/verify`, {
      factorId: owner.totpFactorId,
      code: await nextTotpCode(api, owner.totpSecret),
    });
    expect(verified.status).toBe(200);
    const finished = await api.request('POST', `/v1/login/${loginId}/mfa-reset-request`, {
      reason: 'I lost my phone and my laptop.',
    });
    expect(finished.status).toBe(410);
    expect(finished.body.error.code).toBe('login_expired');
  });
});
