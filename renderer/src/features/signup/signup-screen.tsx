import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { Checkbox } from '../../components/checkbox';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import type { Language } from '../../i18n/language';
import { useSubmit } from '../../lib/use-submit';
import { NewPasswordField } from './new-password-field';
import { useOnline } from '../../lib/connectivity';

const formFields = ['firstName', 'lastName', 'email', 'password', 'company', 'acceptTerms'] as const;

interface SignupScreenProps {
  language: Language;
  onSent: (email: string) => void;
  onSignIn: () => void;
  onHaveLink: () => void;
}

export function SignupScreen({ language, onSent, onSignIn, onHaveLink }: SignupScreenProps) {
  const online = useOnline();
  const { t } = useTranslation();
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [company, setCompany] = useState('');
  const [acceptTerms, setAcceptTerms] = useState(false);
  const { busy, error, run } = useSubmit(formFields);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await run(() =>
      invoke('signup.create', {
        firstName,
        lastName,
        email,
        password,
        ...(company.trim() ? { company } : {}),
        locale: language,
        acceptTerms,
      }),
    );
    if (result.ok) onSent(email);
  }

  return (
    <Card title={t('signup.title')}>
      <p className="muted">{t('signup.intro')}</p>
      <form className="stack" noValidate onSubmit={(event) => void submit(event)}>
        <div className="row">
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
        </div>
        <TextField
          label={t('signup.email')}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={setEmail}
          error={error.fields.email}
        />
        <NewPasswordField
          label={t('signup.password')}
          value={password}
          onChange={setPassword}
          error={error.fields.password}
          context={{ email, firstName, lastName }}
        />
        <TextField
          label={t('signup.company')}
          autoComplete="organization"
          value={company}
          onChange={setCompany}
          error={error.fields.company}
        />
        <Checkbox
          label={t('signup.terms')}
          checked={acceptTerms}
          onChange={setAcceptTerms}
          error={error.fields.acceptTerms}
        />
        {error.message ? <Alert tone="error">{error.message}</Alert> : null}
        <div className="actions">
          <Button type="submit" busy={busy} busyLabel={t('signup.submitting')} disabled={!online}>
            {t('signup.submit')}
          </Button>
          <Button variant="link" onClick={onSignIn}>
            {t('signup.haveAccount')}
          </Button>
          <Button variant="link" onClick={onHaveLink}>
            {t('signup.haveLink')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
