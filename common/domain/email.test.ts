import { describe, expect, it } from 'vitest';
import { isValidEmail, maskEmail, maxEmailLength, normaliseEmail, tidyEmail } from './email';

describe('normaliseEmail', () => {
  it('makes addresses that differ only in case or surrounding spaces the same', () => {
    expect(normaliseEmail(' Jane@Example.net ')).toBe('jane@example.net');
    expect(normaliseEmail('JANE@EXAMPLE.NET')).toBe(normaliseEmail('jane@example.net'));
    expect(normaliseEmail('\tjane@example.net\n')).toBe('jane@example.net');
  });

  it('makes a decomposed accent (NFD) and a precomposed one (NFC) the same address', () => {
    const decomposed = 'Jose\u0301@example.net';
    const precomposed = 'Jos\u00e9@example.net';
    expect(decomposed).not.toBe(precomposed);
    expect(normaliseEmail(decomposed)).toBe(normaliseEmail(precomposed));
    expect(normaliseEmail(decomposed)).toBe('jos\u00e9@example.net');
  });

  it('keeps dots and plus tags, which providers may treat as different mailboxes', () => {
    expect(normaliseEmail('jane.doe+wem@example.net')).not.toBe(normaliseEmail('janedoe@example.net'));
  });
});

describe('tidyEmail', () => {
  it('trims and composes but keeps the case the person typed, for display and mailing', () => {
    expect(tidyEmail('  Jose\u0301@Example.net ')).toBe('Jos\u00e9@Example.net');
  });
});

describe('isValidEmail', () => {
  it.each([
    'jane@example.net',
    'jane.doe+wem@mail.example.co.uk',
    "o'brien@example.ie",
    'jos\u00e9@exa\u0308mple.net',
    '  jane@example.net  ',
  ])('accepts %j', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    '',
    'jane',
    'jane@',
    '@example.net',
    'jane@example',
    'jane doe@example.net',
    'jane@exam ple.net',
    'jane@@example.net',
    'jane@bob@example.net',
    'jane@example..net',
    'jane@.example.net',
    'jane@example.net.',
  ])('refuses %j', (email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  it('allows a local part of 64 characters and refuses 65', () => {
    expect(isValidEmail(`${'a'.repeat(64)}@example.net`)).toBe(true);
    expect(isValidEmail(`${'a'.repeat(65)}@example.net`)).toBe(false);
  });

  it('refuses an address longer than 254 characters', () => {
    const domainOf = (length: number) => `${'d'.repeat(length - 4)}.net`;
    const local = 'a'.repeat(60);
    const longest = `${local}@${domainOf(maxEmailLength - local.length - 1)}`;
    expect(longest).toHaveLength(254);
    expect(isValidEmail(longest)).toBe(true);
    expect(isValidEmail(`${local}@${domainOf(maxEmailLength - local.length)}`)).toBe(false);
  });
});

describe('maskEmail', () => {
  it('shows the first character and the domain only', () => {
    expect(maskEmail('jane@example.net')).toBe('j•••@example.net');
    const masked = maskEmail('jane.doe@example.net');
    expect(masked).not.toContain('ane');
    expect(masked).not.toContain('doe');
    expect(masked.endsWith('@example.net')).toBe(true);
  });

  it('gives the same mask whatever the length of the local part, so the length is not revealed', () => {
    expect(maskEmail('j@example.net')).toBe(maskEmail('jonathan.livingstone@example.net'));
  });

  it('reveals nothing of something that is not an address', () => {
    expect(maskEmail('not-an-address')).toBe('•••');
    expect(maskEmail('@example.net')).toBe('•••');
  });

  it('keeps a first character outside the basic plane whole instead of cutting it in half', () => {
    const masked = maskEmail('\u{1F98A}fox@example.net');
    expect(masked.isWellFormed()).toBe(true);
    expect(masked).toBe('\u{1F98A}•••@example.net');
  });
});
