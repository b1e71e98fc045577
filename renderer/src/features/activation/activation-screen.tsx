import { useState, type FormEvent } from 'react';
import { useLinkOnce } from '../../lib/use-link-once';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import { TextField } from '../../components/text-field';
import { invoke } from '../../lib/bridge';
import { useSubmit } from '../../lib/use-submit';
import { NewPasswordField } from '../signup/new-password-field';
import { useOnline } from '../../lib/connectivity';
import { lifetimeText } from '../../lib/lifetime';
import { useServerInfo } from '../../lib/server-info';

/** `choose`: the account got more than one signup, so the mailbox owner picks the password here. */
type Outcome = 'form' | 'choose' | 'activated' | 'used' | 'expired';

interface ActivationScreenProps {
  /** From a wem-account://activate deep link: activated at once, without a paste. */
  token?: string | undefined;
  /** The address the app knows (signed up or signed in with here): a new link goes there unless changed. */
  knownEmail: string;
  onSignIn: () => void;
  onResent: (email: string) => void;
}

export function ActivationScreen({ token, knownEmail, onSignIn, onResent }: ActivationScreenProps) {
  const online = useOnline();
  const { t } = useTranslation();
  const [input, setInput] = useState(token ?? '');
  const [outcome, setOutcome] = useState<Outcome>('form');
  const [email, setEmail] = useState(knownEmail);
  const info = useServerInfo();
  const [password, setPassword] = useState('');
  const activation = useSubmit(['input', 'password']);
  const resend = useSubmit(['email']);

  async function activate(value: string, chosen?: string) {
    const result = await activation.run(
      () =>
        invoke(
          'activation.activate',
          chosen === undefined ? { input: value } : { input: value, password: chosen },
        ),
      ['activation_used', 'activation_expired', 'activation_password_required'],
    );
    if (result.ok) setOutcome('activated');
    else if (result.error.code === 'activation_used') setOutcome('used');
    else if (result.error.code === 'activation_expired') setOutcome('expired');
    else if (result.error.code === 'activation_password_required') setOutcome('choose');
  }

  useLinkOnce(token, (link) => {
    setInput(link);
    void activate(link);
  });

  async function askNewLink(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await resend.run(() => invoke('signup.resendActivation', { email }));
    if (result.ok) onResent(email);
  }

  if (outcome === 'activated' || outcome === 'used') {
    return (
      <Card title={t(outcome === 'activated' ? 'activation.doneTitle' : 'activation.usedTitle')}>
        <Alert tone="success">{t(outcome === 'activated' ? 'activation.done' : 'activation.used')}</Alert>
        <div className="actions">
          <Button onClick={onSignIn}>{t('activation.signIn')}</Button>
        </div>
      </Card>
    );
  }

  if (outcome === 'choose') {
    return (
      <Card title={t('activation.chooseTitle')}>
        <p>{t('activation.choose')}</p>
        <form
          className="stack"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void activate(input, password);
          }}
        >
          <NewPasswordField
            label={t('activation.password')}
            value={password}
            onChange={setPassword}
            error={activation.error.fields.password}
          />
          {activation.error.message ? <Alert tone="error">{activation.error.message}</Alert> : null}
          <div className="actions">
            <Button
              type="submit"
              busy={activation.busy}
              busyLabel={t('activation.submitting')}
              disabled={!online || !password}
            >
              {t('activation.chooseSubmit')}
            </Button>
            <Button variant="link" onClick={onSignIn}>
              {t('signIn.title')}
            </Button>
          </div>
        </form>
      </Card>
    );
  }

  if (outcome === 'expired') {
    return (
      <Card title={t('activation.expiredTitle')}>
        <p>
          {info
            ? t('activation.expired', {
                lifetime: lifetimeText(info.activationLinkValidSeconds, (key, options) =>
                  t(key, options ?? {}),
                ),
              })
            : t('activation.expiredNoTime')}
        </p>
        <form className="stack" noValidate onSubmit={(event) => void askNewLink(event)}>
          <TextField
            label={t('activation.newLinkEmail')}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={setEmail}
            error={resend.error.fields.email}
          />
          {resend.error.message ? <Alert tone="error">{resend.error.message}</Alert> : null}
          <div className="actions">
            <Button type="submit" busy={resend.busy} busyLabel={t('checkMail.resending')} disabled={!online}>
              {t('activation.newLink')}
            </Button>
            <Button variant="link" onClick={onSignIn}>
              {t('common.backToSignIn')}
            </Button>
          </div>
        </form>
        {info ? (
          <p className="muted small">
            {t('activation.supportAt')}{' '}
            <a href={`mailto:${info.supportEmail}`} target="_blank" rel="noreferrer">
              {info.supportEmail}
            </a>
          </p>
        ) : (
          <p className="muted small">{t('activation.support')}</p>
        )}
      </Card>
    );
  }

  return (
    <Card title={t('activation.title')}>
      <p className="muted">{t('activation.intro')}</p>
      <form
        className="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void activate(input);
        }}
      >
        <TextField
          label={t('activation.input')}
          autoComplete="off"
          spellCheck={false}
          required
          value={input}
          onChange={setInput}
          error={activation.error.fields.input ?? activation.error.message}
        />
        <div className="actions">
          <Button
            type="submit"
            busy={activation.busy}
            busyLabel={t('activation.submitting')}
            disabled={!online || !input.trim()}
          >
            {t('activation.submit')}
          </Button>
          <Button variant="link" onClick={onSignIn}>
            {t('signIn.title')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
