import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOnline } from '../../lib/connectivity';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card } from '../../components/card';
import {
  decideConsent,
  interactionDetails,
  type InteractionAnswer,
  type InteractionDetails,
} from '../../lib/portal-interaction';
import { addEnglish } from '../../i18n';
import consentTexts from '../../i18n/en-consent.json';

addEnglish(consentTexts);

/** Scopes the portal explains in words (docs/api.md "Login portal and OpenID Connect"); others show as named. */
const knownScopes = ['openid', 'email', 'profile', 'offline_access'];

interface ConsentScreenProps {
  /** The interaction from the page's address (app/portal.ts). */
  uid: string;
  /** Where the browser goes with the answer; the page leaves. */
  onDecided: (redirectTo: string) => void;
}

/**
 * A third-party client asks to use the account: which app, what it may see, Allow or Deny. First-party
 * clients (Modeler, MyWEM) never get here; the server decides that.
 */
export function ConsentScreen({ uid, onDecided }: ConsentScreenProps) {
  const online = useOnline();
  const { t } = useTranslation();
  const [details, setDetails] = useState<InteractionAnswer<InteractionDetails> | undefined>();
  const [busy, setBusy] = useState<'allow' | 'deny' | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  useEffect(() => {
    let current = true;
    void interactionDetails(uid).then((answer) => {
      if (current) setDetails(answer);
    });
    return () => {
      current = false;
    };
  }, [uid]);

  async function decide(approve: boolean) {
    setBusy(approve ? 'allow' : 'deny');
    setProblem(undefined);
    const answer = await decideConsent(uid, approve);
    if (answer.ok) return onDecided(answer.value);
    setBusy(undefined);
    setProblem(answer.code === 'not_found' ? t('consent.gone') : t(`errors.${answer.code}`));
  }

  if (!details) {
    return (
      <Card title={t('consent.loadingTitle')}>
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> {t('consent.loading')}
        </p>
      </Card>
    );
  }
  if (!details.ok) {
    return (
      <Card title={t('consent.goneTitle')}>
        <Alert tone="error">
          {details.code === 'not_found' ? t('consent.gone') : t(`errors.${details.code}`)}
        </Alert>
      </Card>
    );
  }

  const { clientName, scopes, claims } = details.value;
  return (
    <Card title={t('consent.title', { client: clientName })}>
      <p>{t('consent.intro', { client: clientName })}</p>
      <ul className="consent-scopes" aria-label={t('consent.scopesLabel')}>
        {scopes.map((scope) => (
          <li key={scope}>{knownScopes.includes(scope) ? t(`consent.scope.${scope}`) : scope}</li>
        ))}
      </ul>
      {claims.length > 0 ? (
        <p className="muted small">{t('consent.claims', { claims: claims.join(', ') })}</p>
      ) : null}
      <p className="muted small">{t('consent.later')}</p>
      {problem ? <Alert tone="error">{problem}</Alert> : null}
      <div className="actions">
        <Button
          busy={busy === 'allow'}
          busyLabel={t('consent.busy')}
          disabled={!online || busy !== undefined}
          onClick={() => void decide(true)}
        >
          {t('consent.allow')}
        </Button>
        <Button
          variant="secondary"
          busy={busy === 'deny'}
          busyLabel={t('consent.busy')}
          disabled={!online || busy !== undefined}
          onClick={() => void decide(false)}
        >
          {t('consent.deny')}
        </Button>
      </div>
    </Card>
  );
}
