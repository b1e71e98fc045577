import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/text-field';
import { PasswordMeter } from './password-meter';
import type { PasswordContext } from '../../../../common/domain/password-policy';
import { passwordStrength } from './password-strength';

interface NewPasswordFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The server's reasons, placed next to the field. */
  error: string | undefined;
  /** What the password must not contain (names, the address), for the live meter. */
  context?: PasswordContext;
}

/** A new password as the user types it: the field, the rules as a hint, and the live strength meter. */
export function NewPasswordField({ label, value, onChange, error, context = {} }: NewPasswordFieldProps) {
  const { t } = useTranslation();
  const meterId = useId();
  // The server's reason under the field is not repeated in the strength line.
  const strength = passwordStrength(value, context);
  const problems = strength.problems.filter((problem) => !error?.includes(t(`passwordProblem.${problem}`)));
  return (
    <div className="stack">
      <TextField
        label={label}
        type="password"
        autoComplete="new-password"
        required
        value={value}
        onChange={onChange}
        hint={t('signup.passwordHint')}
        error={error}
        aria-describedby={meterId}
      />
      <PasswordMeter strength={{ ...strength, problems }} id={meterId} />
    </div>
  );
}
