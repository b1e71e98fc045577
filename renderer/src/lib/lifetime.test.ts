import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import nl from '../i18n/nl.json';
import { lifetimeText } from './lifetime';

/** i18next's plural rule for these two languages: one, else other. */
function translator(texts: { duration: Record<string, string> }) {
  return (key: string, options: Record<string, unknown> = {}) => {
    const count = Number(options.count);
    const name = `${key.split('.')[1]}_${count === 1 ? 'one' : 'other'}`;
    return (texts.duration[name] ?? key).replace('{{count}}', String(count));
  };
}

describe('a link lifetime in words', () => {
  it('says it in the unit a person would use', () => {
    const t = translator(en);
    expect(lifetimeText(48 * 3600, t)).toBe('48 hours');
    expect(lifetimeText(3600, t)).toBe('1 hour');
    expect(lifetimeText(7 * 86_400, t)).toBe('7 days');
    expect(lifetimeText(30 * 60, t)).toBe('30 minutes');
    expect(lifetimeText(90 * 60, t)).toBe('90 minutes');
    expect(lifetimeText(61, t)).toBe('2 minutes');
  });

  it('says it in Dutch too', () => {
    const t = translator(nl);
    expect(lifetimeText(48 * 3600, t)).toBe('48 uur');
    expect(lifetimeText(3 * 86_400, t)).toBe('3 dagen');
    expect(lifetimeText(60, t)).toBe('1 minuut');
  });
});
