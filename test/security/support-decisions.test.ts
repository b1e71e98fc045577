import { describe, expect, it } from 'vitest';
import { supersededNote } from '../../server/admin/mfa-resets';
import { maxPendingResetRequests } from '../../server/login/mfa-login';
import { untrusted } from '../../server/support/untrusted-text';
import { runAdminCli } from '../helpers/admin-cli';
import { forEachDialect, startTestApi } from '../helpers/harness';
import { bearer } from '../helpers/mfa';
import { passwordStep } from '../helpers/mfa-factors';
import {
  enrolledAccount,
  loginWithDevice,
  loginWithTotp,
  requestReset,
  stepUpWithTotp,
  subjectsTo,
  supportAgent,
} from '../helpers/trust';

/**
 * docs/security.md 35, the outside review's fifth finding: a support agent signed in on a trusted
 * computer (no factor this session) approved an MFA reset; a second request silently overwrote the
 * first; a reason could forge lines in the operator's `mfa-reset list`.
 */

const requestedSubject = 'We received a request to reset your WEM sign-in methods';

forEachDialect('35. support decisions', (t) => {
  it('refuses a decision from a session that proved no factor recently, and takes it after a step-up', async () => {
    const agent = await supportAgent(t());
    const device = (await loginWithTotp(t(), agent, { deviceName: 'Support desk' })).device!;
    t().clock.advance(11 * 60_000);
    const trustedLogin = await loginWithDevice(t(), agent, device.token);
    expect(trustedLogin.body.state).toBe('authenticated');
    const session: string = trustedLogin.body.session.token;

    const user = await enrolledAccount(t());
    const requestId = await requestReset(t(), user);
    const path = `/v1/admin/mfa-reset-requests/${requestId}/approve`;
    const refused = await t().request('POST', path, { note: 'checked by phone' }, bearer(session));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('step_up_required');
    expect(
      await t().db.selectFrom('mfa_factors').select('id').where('status', '=', 'active').execute(),
    ).toHaveLength(2);

    await stepUpWithTotp(t(), agent, session);
    expect((await t().request('POST', path, { note: 'checked by phone' }, bearer(session))).status).toBe(200);

    // Ten minutes later the step-up has lapsed again.
    const other = await requestReset(t(), await enrolledAccount(t()));
    t().clock.advance(10 * 60_000);
    const late = await t().request(
      'POST',
      `/v1/admin/mfa-reset-requests/${other}/deny`,
      { note: 'no' },
      bearer(session),
    );
    expect(late.body.error.code).toBe('step_up_required');
  });

  it('keeps a second request beside the first, tells the owner of each, and closes the rest on approval', async () => {
    const agent = await supportAgent(t());
    const user = await enrolledAccount(t());
    const first = await requestReset(t(), user, 'Lost my phone on the train.');
    t().clock.advance(1_000);
    const second = await requestReset(t(), user, 'Please reset, send codes to mallory@evil.example');
    expect(second).not.toBe(first);

    const listed = await t().request(
      'GET',
      '/v1/admin/mfa-reset-requests?status=pending',
      undefined,
      bearer(agent.token),
    );
    const reasons = listed.body.map((r: { id: string; reason: string }) => [r.id, r.reason]);
    expect(reasons).toEqual([
      [first, 'Lost my phone on the train.'],
      [second, 'Please reset, send codes to mallory@evil.example'],
    ]);
    expect((await subjectsTo(t(), user.email)).filter((s) => s === requestedSubject)).toHaveLength(2);

    await stepUpWithTotp(t(), agent, agent.token);
    const approved = await t().request(
      'POST',
      `/v1/admin/mfa-reset-requests/${first}/approve`,
      { note: 'verified' },
      bearer(agent.token),
    );
    expect(approved.status).toBe(200);
    const rest = await t().request('GET', '/v1/admin/mfa-reset-requests', undefined, bearer(agent.token));
    const other = rest.body.find((r: { id: string }) => r.id === second);
    expect(other).toMatchObject({ status: 'denied', note: supersededNote });
  });

  it(`takes at most ${maxPendingResetRequests} open requests of one account`, async () => {
    const user = await enrolledAccount(t());
    for (let i = 0; i < maxPendingResetRequests; i++)
      await requestReset(t(), user, `Lost my phone, request ${i}`);
    const { loginId } = await passwordStep(t(), user);
    const refused = await t().request('POST', `/v1/login/${loginId}/mfa-reset-request`, {
      reason: 'Lost my phone, once more',
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
  });
});

describe('35. the operator’s list', () => {
  it('prints a forged reason quoted on its own line, escapes included', async () => {
    const t = await startTestApi('sqlite');
    try {
      const user = await enrolledAccount(t);
      const forged =
        'lost it\n0000000000000000000000  approved  2026-12-01T00:00:00.000Z  ceo@wem.example\u2028next';
      await requestReset(t, user, forged);
      const listed = await runAdminCli(t, ['mfa-reset', 'list']);
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe(`    reason: ${untrusted(forged)}`);
      expect(listed.stdout).not.toContain('\u2028');
      expect(listed.stdout).toContain('\\u2028');
    } finally {
      await t.close();
    }
  });

  it('quotes text so that a reader can tell where it ends', () => {
    expect(untrusted('a "b"\nc\u2029')).toBe('"a \\"b\\"\\nc\\u2029"');
    expect(untrusted('\u001b[2J\u202eevil')).toBe('"\\u001b[2J\\u202eevil"');
  });
});
