import { describe, expect, it } from 'vitest';
import {
  importEntryProblems,
  importFileProblems,
  importFormats,
} from '../../../common/contract/authenticator-import';
import { clientErrorCodes, errorCodes } from '../../../common/contract/errors';
import { factorType } from '../../../common/contract/http';
import { passwordProblems } from '../../../common/domain/password-policy';
import enStart from './en.json';
import enAuthenticator from './en-authenticator.json';
import enConsent from './en-consent.json';
import nl from './nl.json';
import { languageFor } from './language';

/** "a.b.c" -> the string at that path, for every string in a resource tree. */
function flatten(tree: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else if (value !== null && typeof value === 'object')
      for (const [inner, text] of flatten(value, path)) out.set(inner, text);
  }
  return out;
}

// English ships in parts: start-up's, and those of screens added with their chunks (index.ts).
const en = { ...enStart, ...enAuthenticator, ...enConsent };
const english = flatten(en);
const dutch = flatten(nl);
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('the English and Dutch texts', () => {
  it('have every English key in Dutch and every Dutch key in English', () => {
    expect([...dutch.keys()].filter((key) => !english.has(key))).toEqual([]);
    expect([...english.keys()].filter((key) => !dutch.has(key))).toEqual([]);
  });

  it('leave no text empty', () => {
    for (const [key, text] of [...english, ...dutch]) expect(text.trim(), key).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of english)
      expect(placeholders(dutch.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('explain every error code, password problem and factor type the app can meet', () => {
    const needed = [
      ...[...errorCodes, ...clientErrorCodes].map((code) => `errors.${code}`),
      ...passwordProblems.map((problem) => `passwordProblem.${problem}`),
      ...factorType.options.map((type) => `mfa.factor.${type}`),
      // Issue 17: every import format, file refusal and entry problem main can name.
      ...importFormats.map((format) => `authenticator.format.${format}`),
      ...[...importFileProblems, 'password_required', 'wrong_password'].map(
        (problem) => `authenticator.importRefusal.${problem}`,
      ),
      ...importEntryProblems.map((problem) => `authenticator.problem.${problem}`),
    ];
    expect(needed.filter((key) => !english.has(key))).toEqual([]);
  });
});

describe('choosing the language', () => {
  it('follows the settings when they name a language', () => {
    expect(languageFor('nl', ['en-US'])).toBe('nl');
    expect(languageFor('en', ['nl-NL'])).toBe('en');
  });

  it('follows the first spoken OS language for "system", else English', () => {
    expect(languageFor('system', ['fr-FR', 'nl-BE', 'en'])).toBe('nl');
    expect(languageFor('system', ['de-DE'])).toBe('en');
    expect(languageFor('system', [])).toBe('en');
  });
});
