import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/button';
import type { NewFactorType } from './add-factor';

const types: NewFactorType[] = ['totp', 'email', 'sms'];

/** Which kind of factor to add: authenticator app, email code or SMS code, each with what it means. */
export function FactorTypeChoice({
  online,
  recommended,
  present = [],
  submitLabel,
  onChoose,
}: {
  online: boolean;
  recommended: NewFactorType | undefined;
  /** Kinds the account has already: the choice starts at one it does not have. */
  present?: readonly string[];
  submitLabel: string;
  onChoose: (type: NewFactorType) => void;
}) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<NewFactorType>(
    recommended ?? types.find((type) => !present.includes(type)) ?? 'totp',
  );
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        onChoose(chosen);
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
              <span className="muted small block">{t(`setup.typeHint.${type}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <Button type="submit" disabled={!online}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
