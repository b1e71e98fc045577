import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../../common/contract/http';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useOnline } from '../../lib/connectivity';
import { useSubmit } from '../../lib/use-submit';

/** Name, company and language edited in place (PATCH /v1/me): only what changed is sent. */
export function ProfileEditor({
  me,
  onSaved,
  onCancel,
}: {
  me: MeResponse;
  onSaved: (me: MeResponse) => void;
  onCancel: () => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  const localeId = useId();
  const [firstName, setFirstName] = useState(me.firstName);
  const [lastName, setLastName] = useState(me.lastName);
  const [company, setCompany] = useState(me.company ?? '');
  const [locale, setLocale] = useState(me.locale);
  const { busy, error, run } = useSubmit(['firstName', 'lastName', 'company', 'locale']);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const patch = {
      ...(firstName !== me.firstName ? { firstName } : {}),
      ...(lastName !== me.lastName ? { lastName } : {}),
      ...(company !== (me.company ?? '') ? { company } : {}),
      ...(locale !== me.locale ? { locale } : {}),
    };
    if (Object.keys(patch).length === 0) return onCancel();
    const result = await run(() => invoke('me.update', patch));
    if (result.ok) onSaved(result.value);
  }

  return (
    <form
      className="stack"
      noValidate
      aria-label={t('profile.title')}
      onSubmit={(event) => void submit(event)}
    >
      <TextField
        label={t('signup.firstName')}
        autoComplete="given-name"
        required
        value={firstName}
        onChange={setFirstName}
        error={error.fields.firstName}
      />
      <TextField
        label={t('signup.lastName')}
        autoComplete="family-name"
        required
        value={lastName}
        onChange={setLastName}
        error={error.fields.lastName}
      />
      <TextField
        label={t('signup.company')}
        autoComplete="organization"
        value={company}
        onChange={setCompany}
        error={error.fields.company}
      />
      <div className="field">
        <label htmlFor={localeId}>{t('profile.language')}</label>
        <select
          id={localeId}
          value={locale}
          aria-describedby={`${localeId}-hint`}
          onChange={(event) => setLocale(event.target.value === 'nl' ? 'nl' : 'en')}
        >
          <option value="en">English</option>
          <option value="nl">Nederlands</option>
        </select>
        <p id={`${localeId}-hint`} className="field-hint">
          {t('profile.languageHint')}
        </p>
      </div>
      {error.message ? <Alert tone="error">{error.message}</Alert> : null}
      <div className="actions">
        <Button type="submit" busy={busy} busyLabel={t('profile.saving')} disabled={!online}>
          {t('profile.save')}
        </Button>
        <Button variant="link" onClick={onCancel}>
          {t('profile.cancel')}
        </Button>
      </div>
    </form>
  );
}
