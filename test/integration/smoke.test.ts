import { expect, it } from 'vitest';
import { forEachDialect } from '../helpers/harness';

forEachDialect('signup to login', (t) => {
  it('takes a new account from signup through the mailed link to an enrollment session', async () => {
    const account = await t().activeAccount();
    const login = await t().request('POST', '/v1/login', {
      email: account.email.toUpperCase(),
      password: account.password,
    });
    expect(login.status).toBe(200);
    expect(login.body.state).toBe('mfa_enrollment_required');
    const me = await t().request('GET', '/v1/me', undefined, {
      authorization: `Bearer ${login.body.session.token}`,
    });
    expect(me.body).toMatchObject({ email: account.email, factors: [], minRecommendedFactors: 2 });
  });
});
