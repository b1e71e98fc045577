import { useTranslation } from 'react-i18next';

interface CountdownRingProps {
  secondsLeft: number;
  period: number;
}

const radius = 15;
const circumference = 2 * Math.PI * radius;

/**
 * How much of the code's period is left, as a ring that empties; read out as "N seconds left". It
 * turns to the warning colour in the last 5 seconds, when copying the code is a race.
 */
export function CountdownRing({ secondsLeft, period }: CountdownRingProps) {
  const { t } = useTranslation();
  const share = Math.min(1, Math.max(0, secondsLeft / period));
  return (
    <svg
      className={`ring${secondsLeft <= 5 ? ' ring-ending' : ''}`}
      viewBox="0 0 36 36"
      width="36"
      height="36"
      role="img"
      aria-label={t('authenticator.secondsLeft', { count: secondsLeft })}
    >
      <circle className="ring-track" cx="18" cy="18" r={radius} />
      <circle
        className="ring-left"
        cx="18"
        cy="18"
        r={radius}
        strokeDasharray={circumference}
        strokeDashoffset={circumference * (1 - share)}
        transform="rotate(-90 18 18)"
      />
      <text x="18" y="18" dominantBaseline="central" textAnchor="middle" aria-hidden="true">
        {secondsLeft}
      </text>
    </svg>
  );
}
