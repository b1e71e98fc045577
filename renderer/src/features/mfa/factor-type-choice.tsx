import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/button';
import { host } from '../../lib/bridge';
import type { NewFactorType } from './add-factor';
import { useOnline } from '../../lib/connectivity';

const types: NewFactorType[] = ['totp', 'email', 'sms'];

/** Which kind of factor to add: authenticator app, email code or SMS code, each with what it means. */
export function FactorTypeChoice({
  recommended,
  present = [],
  submitLabel,
  submitVariant = 'primary',
  onChoose,
}: {
  recommended: NewFactorType | undefined;
  /** Kinds the account has already: the choice starts at one it does not have. */
  present?: readonly string[];
  submitLabel: string;
  /** Secondary when another button is the way on (after setup is done). */
  submitVariant?: 'primary' | 'secondary';
  onChoose: (type: NewFactorType) => void;
}) {
  const online = useOnline();
  const { t } = useTranslation();
  // Every kind present: nothing is preselected, so a duplicate is a deliberate choice.
  const [chosen, setChosen] = useState<NewFactorType | undefined>(
    recommended ?? types.find((type) => !present.includes(type)),
  );
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen) onChoose(chosen);
      }}
    >
      <fieldset className="factor-list">
        <legend>{t('setup.chooseType')}</legend>
        {types.map((type) => (
          <label key={type} className="factor-option">
            <input
              type="radio"
              name="factor-type"
              value={type}
              checked={chosen === type}
              onChange={() => setChosen(type)}
            />
            <span>
              <strong>{t(`setup.type.${type}`)}</strong>
              {recommended === type ? <span className="badge">{t('setup.recommended')}</span> : null}
              <span className="muted small block">
                {/* In the browser, "this app" (the desktop's authenticator) is not at hand. */}
                {t(host === 'portal' && type === 'totp' ? 'portal.typeHintTotp' : `setup.typeHint.${type}`)}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <Button type="submit" variant={submitVariant} disabled={!online || !chosen}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
