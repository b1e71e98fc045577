import { describe, expect, it } from 'vitest';
import { checkPassword, maxPasswordLength, minPasswordLength } from './password-policy';

/** A password with no pattern the policy looks for: letters with a stride of 7, so never a run or repeat. */
function plainPassword(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from({ length }, (_, i) => alphabet[(i * 7) % alphabet.length]).join('');
}

// Eight different letters, each written as base letter + combining mark (NFD): 16 code points that
// NFC composes into 8.
const decomposedLetters = [
  'a\u0301',
  'e\u0308',
  'i\u0302',
  'o\u0303',
  'u\u0300',
  'n\u0303',
  'c\u0327',
  'y\u0301',
];

describe('password length', () => {
  it('accepts a password of exactly the minimum length and refuses one shorter as too short', () => {
    expect(minPasswordLength).toBe(8);
    expect(checkPassword('mq7#vz2k')).toEqual([]);
    expect(checkPassword('mq7#vz2')).toEqual(['too_short']);
  });

  it('accepts a password of exactly 128 code points and refuses 129 as too long instead of cutting it', () => {
    expect(maxPasswordLength).toBe(128);
    expect(checkPassword(plainPassword(128))).toEqual([]);
    expect(checkPassword(plainPassword(129))).toEqual(['too_long']);
    expect(checkPassword(plainPassword(4096))).toEqual(['too_long']);
  });

  it('counts emoji as one character each, not as two UTF-16 units', () => {
    const eight = '🦊🌲🚲🎻🧭🪁🍋🛶';
    expect(eight.length).toBe(16);
    expect(checkPassword(eight)).toEqual([]);
    // Four emoji are eight UTF-16 units but only four characters.
    expect(checkPassword('🦊🌲🚲🎻')).toEqual(['too_short']);
  });

  it('counts characters after NFC composition, so a letter with a combining accent is one character', () => {
    const eightComposed = decomposedLetters.join('');
    expect([...eightComposed]).toHaveLength(16);
    expect(checkPassword(eightComposed)).toEqual([]);
    expect(checkPassword(decomposedLetters.slice(0, 7).join(''))).toEqual(['too_short']);
  });

  it('accepts 129 typed code points that NFC composes into 128 characters', () => {
    const typed = plainPassword(127) + 'e\u0301';
    expect([...typed]).toHaveLength(129);
    expect(checkPassword(typed)).toEqual([]);
    expect(checkPassword(plainPassword(128) + 'e\u0301')).toEqual(['too_long']);
  });
});

describe('composition', () => {
  it('asks for no mix of character classes: a lower-case passphrase is fine', () => {
    expect(checkPassword('violet harbour lantern')).toEqual([]);
    expect(checkPassword('rivierduinlantaarn')).toEqual([]);
  });
});

describe('common passwords', () => {
  it.each(['password', 'iloveyou', 'sunshine', 'qwertyuiop', 'P@ssw0rd', 'letmein1'])(
    'refuses the well-known password %j as common',
    (password) => {
      expect(checkPassword(password)).toContain('common');
    },
  );

  it.each(['Password1!', 'PASSWORD123', 'Sunshine2024!', 'football#1', 'Welcome1?!'])(
    'refuses %j: a common word with digits or symbols bolted on is still common',
    (password) => {
      expect(checkPassword(password)).toContain('common');
    },
  );

  it('does not call a password common because it merely contains a short common word', () => {
    expect(checkPassword('dragonfly-orchard-quay')).toEqual([]);
  });
});

describe('patterns', () => {
  it.each(['aaaaaaaa', 'zzzzzzzzzzzz', 'abababab', 'xyzxyzxyz', '123123123', '🦊🦊🦊🦊🦊🦊🦊🦊'])(
    'refuses the repetitive password %j',
    (password) => {
      expect(checkPassword(password)).toEqual(['repetitive']);
    },
  );

  it.each(['abcdefgh', 'stuvwxyz', 'hgfedcba', 'ABCDEFGHIJ', '98765432'])(
    'refuses the sequential password %j',
    (password) => {
      expect(checkPassword(password)).toEqual(['sequential']);
    },
  );

  it('accepts a password that only partly repeats or runs', () => {
    expect(checkPassword('aaaaaaab')).toEqual([]);
    expect(checkPassword('abcdefgz')).toEqual([]);
  });
});

describe('personal information', () => {
  const jane = { email: 'jane.doe@example.net', firstName: 'Jane', lastName: 'Doe-Smit' };

  it('refuses a password that contains the first name, last name or the email local part', () => {
    expect(checkPassword('harbour-JANE-lantern', jane)).toEqual(['contains_personal_info']);
    expect(checkPassword('harbour-doe-smit-lantern', jane)).toEqual(['contains_personal_info']);
    expect(checkPassword('my.jane.doe.2026', jane)).toEqual(['contains_personal_info']);
  });

  it('ignores names of fewer than three characters, which occur in too many words', () => {
    expect(checkPassword('aloe-harbour-lantern', { firstName: 'Al', lastName: 'Oe' })).toEqual([]);
  });

  it('accepts a password that has nothing to do with the person', () => {
    expect(checkPassword('violet-harbour-lantern-42', jane)).toEqual([]);
  });

  it('reports every problem at once: common and personal', () => {
    expect(checkPassword('Sunshine1!', { firstName: 'Sunshine' })).toEqual([
      'common',
      'contains_personal_info',
    ]);
  });
});
