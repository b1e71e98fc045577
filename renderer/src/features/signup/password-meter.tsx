import { useTranslation } from 'react-i18next';
import type { Strength } from './password-strength';

/** The meter under the password field: four segments, the level in words, and the server's reasons. */
export function PasswordMeter({ strength, id }: { strength: Strength; id: string }) {
  const { t } = useTranslation();
  const words =
    strength.level === 'empty'
      ? t('strength.empty')
      : [t(`strength.${strength.level}`), ...strength.problems.map((p) => t(`passwordProblem.${p}`))].join(
          ' — ',
        );
  return (
    <div className="stack small">
      <div className="meter" data-level={strength.level} aria-hidden="true">
        {[1, 2, 3, 4].map((segment) => (
          <span key={segment} className={segment <= strength.score ? 'on' : ''} />
        ))}
      </div>
      <p id={id} className="muted" aria-live="polite">
        <span className="visually-hidden">{t('strength.label')}: </span>
        {words}
      </p>
    </div>
  );
}
