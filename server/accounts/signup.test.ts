import { expect, it } from 'vitest';
import { accountRowsFor, everythingStored, signupBody } from '../../test/helpers/accounts';
import { forEachDialect, type TestApi } from '../../test/helpers/harness';
import { activationTokenIn, linkIn } from '../../test/helpers/smtp-peer';

async function nothingHappened(t: TestApi): Promise<void> {
  await t.api.worker.drain();
  expect(t.smtp.received).toEqual([]);
  expect(await t.db.selectFrom('accounts').select('id').execute()).toEqual([]);
}

forEachDialect('signup', (t) => {
  it('answers 202 activation_sent and mails an English activation link', async () => {
    const body = signupBody({ firstName: 'Jane', email: 'jane@example.net' });
    const response = await t().request('POST', '/v1/accounts', body);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ status: 'activation_sent' });

    const mails = await t().mailsTo('jane@example.net');
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.subject).toBe('Activate your WEM account');
    // Not proven yet, so not greeted by the name someone typed (docs/security.md 33).
    expect(mail?.text).toMatch(/^Hello,$/m);
    expect(mail?.text).not.toContain('Jane');
    expect(mail?.text).toContain('valid for 2 days');
    expect(linkIn(mail!).startsWith(`${t().config.publicUrl}/activate?token=`)).toBe(true);
    expect(mail?.html).toContain(activationTokenIn(mail!));
  });

  it('mails the activation link in Dutch when the locale is nl', async () => {
    const body = signupBody({ firstName: 'Sanne', locale: 'nl' });
    expect((await t().request('POST', '/v1/accounts', body)).status).toBe(202);

    const [mail] = await t().mailsTo(body.email);
    expect(mail?.subject).toBe('Activeer je WEM-account');
    expect(mail?.text).toMatch(/^Hallo,$/m);
    expect(mail?.text).toContain('2 dagen geldig');
    expect(activationTokenIn(mail!)).not.toBe('');
  });

  it('keeps the new account inactive, with the details as typed and English as the default locale', async () => {
    const body = signupBody({ firstName: '  Jane ', lastName: 'van der Berg' });
    await t().request('POST', '/v1/accounts', body);

    const row = await t().db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      email: body.email,
      first_name: 'Jane',
      last_name: 'van der Berg',
      locale: 'en',
      activated_at: null,
    });
  });

  it('refuses an empty body, naming every missing field, and creates nothing', async () => {
    const response = await t().request('POST', '/v1/accounts', {});
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.fields).toEqual({
      firstName: 'required',
      lastName: 'required',
      email: 'required',
      password: 'required',
      acceptTerms: 'must_accept',
    });
    await nothingHappened(t());
  });

  it('refuses each invalid field as validation_failed, naming the field and why', async () => {
    const cases: [string, Record<string, unknown>, Record<string, string>][] = [
      ['email without a domain', { email: 'jane@' }, { email: 'invalid_email' }],
      ['email that is not a string', { email: 42 }, { email: 'invalid' }],
      ['first name of only spaces', { firstName: '   ' }, { firstName: 'required' }],
      ['last name of 101 characters', { lastName: 'x'.repeat(101) }, { lastName: 'too_long' }],
      ['right-to-left override in a name', { firstName: 'Ja\u202Ene' }, { firstName: 'invalid_characters' }],
      ['control character in the company', { company: 'Acme\u0007' }, { company: 'invalid_characters' }],
      ['unknown locale', { locale: 'de' }, { locale: 'invalid' }],
      ['acceptTerms false', { acceptTerms: false }, { acceptTerms: 'must_accept' }],
      ['acceptTerms as the string "true"', { acceptTerms: 'true' }, { acceptTerms: 'must_accept' }],
      ['acceptTerms missing', { acceptTerms: undefined }, { acceptTerms: 'must_accept' }],
    ];
    for (const [what, override, fields] of cases) {
      const response = await t().request('POST', '/v1/accounts', { ...signupBody(), ...override });
      expect(response.status, what).toBe(400);
      expect(response.body.error.code, what).toBe('validation_failed');
      expect(response.body.error.fields, what).toEqual(fields);
    }
    await nothingHappened(t());
  });

  it('refuses a weak password as weak_password with the reasons, and creates nothing', async () => {
    const cases: [string, string, string[]][] = [
      ['common', 'Password1!', ['common']],
      ['7 characters', 'mq7#vz2', ['too_short']],
      ['129 characters', 'k7#Vq'.repeat(26).slice(0, 129), ['too_long']],
      ['sequential', 'stuvwxyz', ['sequential']],
      ['containing the first name', 'lantern-jane-harbour', ['contains_personal_info']],
    ];
    for (const [what, password, reasons] of cases) {
      const response = await t().request('POST', '/v1/accounts', signupBody({ firstName: 'Jane', password }));
      expect(response.status, what).toBe(400);
      expect(response.body.error.code, what).toBe('weak_password');
      expect(response.body.error.reasons, what).toEqual(reasons);
    }
    await nothingHappened(t());
  });

  it('treats " Jane@Example.net " and "jane@example.net" as one account, kept as typed but trimmed', async () => {
    const first = await t().request('POST', '/v1/accounts', signupBody({ email: 'Jane@Example.net ' }));
    const second = await t().request('POST', '/v1/accounts', signupBody({ email: 'jane@example.net' }));
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);

    const rows = await t().db.selectFrom('accounts').select(['email', 'email_normalized']).execute();
    expect(rows).toEqual([{ email: 'Jane@Example.net', email_normalized: 'jane@example.net' }]);
    // Both mails carry the same queue time on the fixed clock: their delivery order is not defined.
    const subjects = (await t().mailsTo('jane@example.net')).map((m) => m.subject).sort();
    expect(subjects).toEqual([
      'Activate your WEM account',
      'Someone tried to create a WEM account with your address',
    ]);
  });

  it('treats an accented address typed decomposed (NFD) or precomposed (NFC) as one account', async () => {
    await t().request('POST', '/v1/accounts', signupBody({ email: 'Jose\u0301@example.net' }));
    await t().request('POST', '/v1/accounts', signupBody({ email: 'JOS\u00c9@example.net' }));

    expect(await accountRowsFor(t().db, 'jos\u00e9@example.net')).toBe(1);
    const row = await t().db.selectFrom('accounts').select('email').executeTakeFirstOrThrow();
    expect(row.email).toBe('Jos\u00e9@example.net');
  });

  it('makes the company optional and stores it trimmed when given', async () => {
    const without = signupBody();
    const withCompany = signupBody({ company: '  Acme BV  ' });
    await t().request('POST', '/v1/accounts', without);
    await t().request('POST', '/v1/accounts', withCompany);

    const companyOf = async (email: string) =>
      (
        await t()
          .db.selectFrom('accounts')
          .select('company')
          .where('email', '=', email)
          .executeTakeFirstOrThrow()
      ).company;
    expect(await companyOf(without.email)).toBeNull();
    expect(await companyOf(withCompany.email)).toBe('Acme BV');
  });

  it('stores the password only as an argon2id hash with the OWASP parameters', async () => {
    const password = 'Zebra-Quartz-Mosaic-\u00e9-91';
    const body = signupBody({ password });
    await t().request('POST', '/v1/accounts', body);
    await t().api.worker.drain();

    const row = await t().db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(JSON.stringify(row)).not.toContain(password);
    const stored = await everythingStored(t().db);
    expect(stored).toContain(row.password_hash);
    expect(stored).not.toContain(password);
    expect(stored).not.toContain(Buffer.from(password).toString('base64'));
  });
});
