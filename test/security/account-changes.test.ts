import { expect, it } from 'vitest';
import { forEachDialect, uniqueEmail, type TestApi } from '../helpers/harness';
import { linkTokenTo, meStatus, newPassword, resetToken, startReset } from '../helpers/lifecycle';
import { login } from '../helpers/login';
import { accountWithTotp, bearer } from '../helpers/mfa';
import { addEmailFactor } from '../helpers/mfa-factors';
import {
  enrolledAccount,
  loginWithDevice,
  loginWithTotp,
  stepUpWithTotp,
  subjectsTo,
} from '../helpers/trust';

// docs/security.md 65-69: what a signed-in owner changes in My details (docs/api.md "Account lifecycle").

const minute = 60_000;
const hour = 60 * minute;

function changePassword(t: TestApi, token: string, body: object) {
  return t.request('POST', '/v1/me/password', body, bearer(token));
}

forEachDialect('65. changing the password', (t) => {
  it('keeps this session, ends the others and every trusted computer, and tells the owner', async () => {
    const account = await accountWithTotp(t());
    const other = await loginWithTotp(t(), account);
    const trusted = await loginWithTotp(t(), account, { deviceName: 'Home PC' });
    const changed = await changePassword(t(), account.token, {
      currentPassword: account.password,
      newPassword,
    });
    expect(changed.status).toBe(204);

    expect(await meStatus(t(), account.token)).toBe(200);
    expect(await meStatus(t(), other.token)).toBe(401);
    expect(await meStatus(t(), trusted.token)).toBe(401);
    const withDevice = await loginWithDevice(
      t(),
      { ...account, password: newPassword },
      trusted.device!.token,
    );
    expect(withDevice.body.state).toBe('mfa_required');
    expect((await login(t(), account.email, account.password)).status).toBe(401);
    expect((await login(t(), account.email, newPassword)).status).toBe(200);
    expect(await subjectsTo(t(), account.email)).toContain('Your WEM password was changed');
  });

  it('needs a privileged session and the current password', async () => {
    const account = await accountWithTotp(t());
    t().clock.advance(11 * minute);
    const body = { currentPassword: account.password, newPassword };
    const stale = await changePassword(t(), account.token, body);
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('step_up_required');

    await stepUpWithTotp(t(), account, account.token);
    const wrong = await changePassword(t(), account.token, {
      ...body,
      currentPassword: 'not-the-password-1',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const weak = await changePassword(t(), account.token, { ...body, newPassword: 'password' });
    expect(weak.body.error.code).toBe('weak_password');
    expect((await login(t(), account.email, account.password)).status).toBe(200);
  });

  it('guesses of the current password meet the login’s password guard', async () => {
    const account = await accountWithTotp(t());
    for (let i = 0; i < 5; i += 1) {
      const wrong = await changePassword(t(), account.token, {
        currentPassword: `wrong-guess-number-${i}`,
        newPassword,
      });
      expect(wrong.body.error.code).toBe('invalid_credentials');
    }
    const body = { currentPassword: account.password, newPassword };
    // The guard now makes every try wait, the right password too, and the login shares the guard.
    expect((await changePassword(t(), account.token, body)).body.error.code).toBe('invalid_credentials');
    expect((await login(t(), account.email, account.password)).status).toBe(401);
    t().clock.advance(2000);
    expect((await changePassword(t(), account.token, body)).status).toBe(204);
  });

  it('writes the notice in Dutch for a Dutch account', async () => {
    const account = await accountWithTotp(t());
    const patched = await t().request('PATCH', '/v1/me', { locale: 'nl' }, bearer(account.token));
    expect(patched.body.locale).toBe('nl');
    await changePassword(t(), account.token, { currentPassword: account.password, newPassword });
    expect(await subjectsTo(t(), account.email)).toContain('Je WEM-wachtwoord is gewijzigd');
  });
});

forEachDialect('66. changing name, company and language', (t) => {
  it('changes only the given fields, clears an empty company, and answers with My details', async () => {
    const account = await t().activeAccount({ company: 'Acme' });
    const { body: loggedIn } = await login(t(), account.email, account.password);
    const token = loggedIn.session.token;
    // An enrollment session may not change the profile: it must set up a factor first.
    expect((await t().request('PATCH', '/v1/me', { firstName: 'Joan' }, bearer(token))).body.error.code).toBe(
      'enrollment_required',
    );

    const enrolled = await accountWithTotp(t());
    const patched = await t().request(
      'PATCH',
      '/v1/me',
      { firstName: '  Joan ', company: '', locale: 'nl' },
      bearer(enrolled.token),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ firstName: 'Joan', lastName: 'Doe', company: null, locale: 'nl' });
    expect((await t().request('GET', '/v1/me', undefined, bearer(enrolled.token))).body).toMatchObject({
      firstName: 'Joan',
      locale: 'nl',
    });

    const invalid = await t().request('PATCH', '/v1/me', { lastName: '' }, bearer(enrolled.token));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'validation_failed', fields: { lastName: 'required' } });
    const audit = await t()
      .db.selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'account.profile_changed')
      .execute();
    expect(audit.map((row) => JSON.parse(row.detail))).toEqual([{ fields: 'company,firstName,locale' }]);
  });
});

forEachDialect('67. changing the email address', (t) => {
  it('moves the account only when the link to the new address is used, and tells the old address twice', async () => {
    const account = await accountWithTotp(t());
    const newEmail = uniqueEmail('moved');
    const asked = await t().request(
      'POST',
      '/v1/me/email',
      { newEmail, password: account.password },
      bearer(account.token),
    );
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ status: 'verification_sent' });
    expect(await subjectsTo(t(), account.email)).toContain(
      'A new email address was requested for your WEM account',
    );
    const linkMail = (await t().mailsTo(newEmail)).at(-1)!;
    expect(linkMail.subject).toBe('Confirm your new email address for WEM');
    expect(linkMail.text.split('\n')[0]).toBe('Hello,');
    // Until confirmed, the old address signs in.
    expect((await login(t(), account.email, account.password)).status).toBe(200);

    const token = await linkTokenTo(t(), newEmail, 'confirm-email');
    // A reset link mailed to the old address stops working when the address moves.
    const oldReset = await resetToken(t(), account.email);
    const confirmed = await t().request('POST', '/v1/me/email/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ email: newEmail });
    expect((await login(t(), newEmail, account.password)).status).toBe(200);
    expect((await login(t(), account.email, account.password)).status).toBe(401);
    expect(await subjectsTo(t(), account.email)).toContain(
      'The email address of your WEM account was changed',
    );
    expect(await meStatus(t(), account.token)).toBe(200);
    expect((await startReset(t(), oldReset)).body.error.code).toBe('reset_invalid');

    const again = await t().request('POST', '/v1/me/email/confirm', { token });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_change_used');
  });

  it('moves the address once when its link is used in parallel', async () => {
    const account = await accountWithTotp(t());
    const newEmail = uniqueEmail('parallel');
    await t().request(
      'POST',
      '/v1/me/email',
      { newEmail, password: account.password },
      bearer(account.token),
    );
    const token = await linkTokenTo(t(), newEmail, 'confirm-email');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t().request('POST', '/v1/me/email/confirm', { token })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const changed = (await subjectsTo(t(), account.email)).filter(
      (s) => s === 'The email address of your WEM account was changed',
    );
    expect(changed).toHaveLength(1);
  });

  it('writes every mail of an address change in the account’s language', async () => {
    const account = await enrolledAccount(t(), { locale: 'nl', firstName: 'Sanne' });
    const newEmail = uniqueEmail('verhuisd');
    await t().request(
      'POST',
      '/v1/me/email',
      { newEmail, password: account.password },
      bearer(account.token),
    );
    expect((await t().mailsTo(newEmail)).map((m) => m.subject)).toEqual([
      'Bevestig je nieuwe e-mailadres voor WEM',
    ]);
    await t().request('POST', '/v1/me/email/confirm', {
      token: await linkTokenTo(t(), newEmail, 'confirm-email'),
    });
    const toOld = await t().mailsTo(account.email);
    expect(toOld.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Er is een nieuw e-mailadres aangevraagd voor je WEM-account',
        'Het e-mailadres van je WEM-account is gewijzigd',
      ]),
    );
    const changed = toOld.find((m) => m.subject === 'Het e-mailadres van je WEM-account is gewijzigd')!;
    expect(changed.text).toContain('Hallo Sanne,');
    expect(changed.text).toContain(newEmail);
  });

  it('leaves an email factor at its own address', async () => {
    const account = await accountWithTotp(t());
    const factorAddress = uniqueEmail('factor');
    await addEmailFactor(t(), account.token, factorAddress);
    const newEmail = uniqueEmail('moved');
    await t().request(
      'POST',
      '/v1/me/email',
      { newEmail, password: account.password },
      bearer(account.token),
    );
    await t().request('POST', '/v1/me/email/confirm', {
      token: await linkTokenTo(t(), newEmail, 'confirm-email'),
    });
    const row = await t()
      .db.selectFrom('mfa_factors')
      .select('target')
      .where('type', '=', 'email')
      .executeTakeFirstOrThrow();
    expect(row.target).toBe(factorAddress);
  });

  it('answers the same for a taken address, mails no link there and tells its owner', async () => {
    const account = await accountWithTotp(t());
    const owner = await t().activeAccount({ firstName: 'Olga' });
    const free = uniqueEmail('free');
    const ask = (newEmail: string) =>
      t().request('POST', '/v1/me/email', { newEmail, password: account.password }, bearer(account.token));
    const taken = await ask(owner.email.toUpperCase());
    const fresh = await ask(free);
    expect(taken.status).toBe(fresh.status);
    expect(taken.body).toEqual(fresh.body);
    expect(taken.headers['content-length']).toBe(fresh.headers['content-length']);
    const toOwner = await t().mailsTo(owner.email);
    expect(toOwner.map((m) => m.subject)).toContain('Someone tried to move a WEM account to your address');
    expect(toOwner.some((m) => m.text.includes('/confirm-email?token='))).toBe(false);
    expect(toOwner.at(-1)!.text).toContain('Hello Olga,');
    expect((await login(t(), owner.email, owner.password)).status).toBe(200);
  });

  it('refuses the link when the address was taken after it was mailed (email_taken)', async () => {
    const account = await accountWithTotp(t());
    const newEmail = uniqueEmail('contested');
    await t().request(
      'POST',
      '/v1/me/email',
      { newEmail, password: account.password },
      bearer(account.token),
    );
    const token = await linkTokenTo(t(), newEmail, 'confirm-email');
    await t().signup({ email: newEmail });
    const refused = await t().request('POST', '/v1/me/email/confirm', { token });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('email_taken');
    expect((await login(t(), account.email, account.password)).status).toBe(200);
  });

  it('expires the link after 24 hours and voids older links', async () => {
    const account = await accountWithTotp(t());
    const first = uniqueEmail('first');
    const second = uniqueEmail('second');
    const ask = (newEmail: string) =>
      t().request('POST', '/v1/me/email', { newEmail, password: account.password }, bearer(account.token));
    await ask(first);
    const firstToken = await linkTokenTo(t(), first, 'confirm-email');
    await ask(second);
    const voided = await t().request('POST', '/v1/me/email/confirm', { token: firstToken });
    expect(voided.status).toBe(400);
    expect(voided.body.error.code).toBe('email_change_invalid');
    const secondToken = await linkTokenTo(t(), second, 'confirm-email');
    t().clock.advance(24 * hour + 1000);
    const expired = await t().request('POST', '/v1/me/email/confirm', { token: secondToken });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('email_change_expired');
  });

  it('needs a privileged session and the password, and allows 5 requests an hour', async () => {
    const account = await accountWithTotp(t());
    const ask = (password: string) =>
      t().request('POST', '/v1/me/email', { newEmail: uniqueEmail(), password }, bearer(account.token));
    expect((await ask('not-the-password-1')).body.error.code).toBe('invalid_credentials');
    for (let i = 0; i < 5; i += 1) expect((await ask(account.password)).status).toBe(202);
    const limited = await ask(account.password);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    t().clock.advance(11 * minute);
    expect((await ask(account.password)).body.error.code).toBe('step_up_required');
  });
});
