import { describe, expect, it } from 'vitest';
import { passwordStrength } from './password-strength';

const jane = { email: 'jane.doe@example.net', firstName: 'Jane', lastName: 'Doe' };

describe('the live password strength meter', () => {
  it('stays empty until something is typed', () => {
    expect(passwordStrength('', jane)).toEqual({ level: 'empty', score: 0, problems: [] });
  });

  it('calls weak exactly what the server would refuse, with its reasons', () => {
    expect(passwordStrength('short', jane)).toMatchObject({ level: 'weak', problems: ['too_short'] });
    expect(passwordStrength('password1!', jane)).toMatchObject({ level: 'weak', problems: ['common'] });
    expect(passwordStrength('janedoe-rocks-hard', jane)).toMatchObject({
      level: 'weak',
      problems: ['contains_personal_info'],
    });
  });

  it('scores longer, more varied passwords higher', () => {
    const fair = passwordStrength('quietmoss', jane);
    const good = passwordStrength('Quiet-moss7', jane);
    const strong = passwordStrength('violet harbour lantern', jane);
    expect([fair.level, good.level, strong.level]).toEqual(['fair', 'good', 'strong']);
    expect(fair.score).toBeLessThan(good.score);
    expect(good.score).toBeLessThan(strong.score);
  });
});
