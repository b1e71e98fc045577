import type { Translate } from './errors';

/** A lifetime in the unit a person would say: "48 hours", "3 days", "30 minutes". */
export function lifetimeText(seconds: number, t: Translate): string {
  const minutes = Math.ceil(seconds / 60);
  const hours = seconds / 3600;
  const days = seconds / 86_400;
  if (Number.isInteger(days) && days >= 3) return t('duration.days', { count: days });
  if (Number.isInteger(hours)) return t('duration.hours', { count: hours });
  return t('duration.minutes', { count: minutes });
}
