import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import nl from '../i18n/nl.json';
import { describeError, type Translate } from './errors';

async function translator(lng: 'en' | 'nl'): Promise<Translate> {
  const instance = i18next.createInstance();
  await instance.init({ lng, resources: { en: { translation: en }, nl: { translation: nl } } });
  return (key, options) => instance.t(key, options);
}

const signupFields = ['firstName', 'lastName', 'email', 'password', 'company', 'acceptTerms'];

describe('errors in the user’s words', () => {
  it('puts each invalid field’s problem next to that field, with no banner', async () => {
    const t = await translator('en');
    const shown = describeError(
      {
        code: 'validation_failed',
        message: 'x',
        fields: { firstName: 'required', acceptTerms: 'must_accept', email: 'invalid_email' },
      },
      t,
      signupFields,
    );
    expect(shown).toEqual({
      message: undefined,
      fields: {
        firstName: 'Fill this in.',
        acceptTerms: 'Accept the terms to continue.',
        email: 'This is not a valid email address.',
      },
    });
  });

  it('falls back to the general message when a field is not on the form', async () => {
    const t = await translator('en');
    const shown = describeError(
      { code: 'validation_failed', message: 'x', fields: { body: 'invalid_json', email: 'weird_reason' } },
      t,
      signupFields,
    );
    expect(shown.message).toBe('Some fields are missing or not valid.');
    expect(shown.fields).toEqual({ email: 'This is not valid.' });
  });

  it('explains a weak password by the server’s reasons, in Dutch too', async () => {
    const error = {
      code: 'weak_password' as const,
      message: 'x',
      reasons: ['common', 'contains_personal_info'],
    };
    expect(describeError(error, await translator('en'), signupFields).fields.password).toBe(
      'This password is one of the first that attackers try. Leave your name and email address out of your password.',
    );
    expect(describeError(error, await translator('nl'), signupFields).fields.password).toContain(
      'een van de eerste die aanvallers proberen',
    );
  });

  it('says how long to wait when the server is rate limiting', async () => {
    const shown = describeError(
      { code: 'rate_limited', message: 'x', retryAfterSeconds: 30 },
      await translator('en'),
      [],
    );
    expect(shown.message).toBe('Too many requests. Wait a moment and try again. Try again in 30 seconds.');
  });

  it('tells how many attempts are left next to a wrong code', async () => {
    const shown = describeError(
      { code: 'invalid_code', message: 'x', attemptsLeft: 1 },
      await translator('en'),
      ['code'],
    );
    expect(shown.fields.code).toBe('This code is not correct. 1 attempt left.');
  });

  it('shows the translated message of the code, not the English message that came with it', async () => {
    const shown = describeError(
      { code: 'invalid_credentials', message: 'The email address or password is not correct.' },
      await translator('nl'),
      ['email', 'password'],
    );
    expect(shown).toEqual({ message: 'Het e-mailadres of wachtwoord klopt niet.', fields: {} });
  });
});
