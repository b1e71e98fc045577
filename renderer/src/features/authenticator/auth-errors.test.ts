import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import enStart from '../../i18n/en.json';
import enAuthenticator from '../../i18n/en-authenticator.json';

const en = { ...enStart, ...enAuthenticator };
import nl from '../../i18n/nl.json';
import type { Translate } from '../../lib/errors';
import { describeAuthError } from './auth-errors';

async function translator(lng: 'en' | 'nl'): Promise<Translate> {
  const instance = i18next.createInstance();
  await instance.init({ lng, resources: { en: { translation: en }, nl: { translation: nl } } });
  return (key, options) => instance.t(key, options);
}

describe('a refused import file in the user’s words', () => {
  it('asks for the password at its field, naming the format main recognised', async () => {
    const t = await translator('en');
    const shown = describeAuthError(
      { code: 'password_required', message: 'x', reasons: ['andotp_encrypted'] },
      t,
      ['password'],
    );
    expect(shown.message).toBeUndefined();
    expect(shown.fields.password).toMatch(/^This is an encrypted andOTP backup .*: enter its password/);
  });

  it('says a wrong password is wrong for that format, in Dutch too', async () => {
    const shown = describeAuthError(
      { code: 'wrong_password', message: 'x', reasons: ['two_fas_encrypted'] },
      await translator('nl'),
      ['password'],
    );
    expect(shown.fields.password).toBe(
      'Dit wachtwoord opent een versleutelde 2FAS-back-up niet. Er is niets geïmporteerd; controleer het wachtwoord en probeer het opnieuw.',
    );
  });

  it('says what is wrong with a damaged or unreadable file and what to do, in the banner', async () => {
    const t = await translator('en');
    const bitwarden = describeAuthError(
      { code: 'damaged_file', message: 'x', reasons: ['bitwarden_encrypted', 'unsupported_encryption'] },
      t,
      ['password'],
    );
    expect(bitwarden.message).toContain('This is an encrypted Bitwarden export');
    expect(bitwarden.message).toContain('JSON (Encrypted)');
    const unknown = describeAuthError(
      { code: 'damaged_file', message: 'x', reasons: ['unknown', 'not_recognised'] },
      t,
      ['password'],
    );
    expect(unknown.message).toMatch(/^The app does not know this kind of file/);
  });
});
