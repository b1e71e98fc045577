import { describe, expect, it } from 'vitest';
import type { Locale } from '../../common/contract/fields';
import {
  describeDuration,
  renderMail,
  type MailTemplate,
  type MailVariables,
  type RenderedMail,
} from './mail-templates';

const locales: Locale[] = ['en', 'nl'];
const activationLink = 'https://account.wem.example/activate?token=Qm9yZGVyLmxpbmU.c2VjcmV0LXBhcnQ';
const signInUrl = 'https://account.wem.example';
const resetLink = 'https://account.wem.example/reset-password?token=Qm9yZGVyLmxpbmU.c2VjcmV0LXBhcnQ';
const confirmLink = 'https://account.wem.example/confirm-email?token=Qm9yZGVyLmxpbmU.c2VjcmV0LXBhcnQ';

/**
 * Variables for every template, with `typed` in each place where text someone typed ends up (their
 * name, a device name, a factor label, a support note). Typed as a complete map: a new template fails to
 * compile here until it has a sample, so "every template" stays every template.
 */
function samples(locale: Locale, typed = 'Jane'): { [T in MailTemplate]: MailVariables[T] } {
  const validFor = describeDuration(48 * 3_600_000, locale);
  return {
    activation: { link: activationLink, validFor, choosePassword: false },
    account_exists: { firstName: typed, signInUrl, activationLink, validFor },
    already_active: { firstName: typed, signInUrl },
    code: { firstName: typed, code: '482913', purpose: 'login', minutes: 10 },
    factor_added: { firstName: typed, factorType: 'sms', factorLabel: typed },
    factor_removed: { firstName: typed, factorType: 'email', factorLabel: typed },
    trusted_device_added: { firstName: typed, deviceName: typed, until: '2026-12-06 09:00 UTC' },
    mfa_reset_requested: { firstName: typed },
    codes_limited: { firstName: typed },
    codes_failing: { firstName: typed },
    password_attempts: { firstName: typed },
    mfa_reset_approved: { firstName: typed, note: typed },
    mfa_reset_denied: { firstName: typed, note: typed },
    password_reset: { firstName: typed, link: resetLink, validFor: describeDuration(3_600_000, locale) },
    password_changed: { firstName: typed, how: 'reset' },
    email_change_link: { link: confirmLink, validFor: describeDuration(86_400_000, locale) },
    email_change_requested: { firstName: typed, newEmail: 'new@example.net' },
    email_changed: { firstName: typed, newEmail: 'new@example.net' },
    email_change_taken: { firstName: typed },
    account_deleted: { firstName: typed },
    account_deleted_by_support: { firstName: typed, note: typed },
  };
}

/** The link each mail asks the reader to open, where it has one. */
const linkOf: Partial<Record<MailTemplate, string>> = {
  activation: activationLink,
  account_exists: activationLink,
  already_active: signInUrl,
  password_reset: resetLink,
  email_change_link: confirmLink,
};

const templates = Object.keys(samples('en')) as MailTemplate[];

function render(template: MailTemplate, locale: Locale, typed?: string): RenderedMail {
  return renderMail(template, locale, samples(locale, typed)[template]);
}

/** What a mail client shows for the HTML part: numeric character references turned back into characters. */
function decodeEntities(html: string): string {
  return html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

function linesOf(mail: RenderedMail): string[] {
  return mail.text.split('\n');
}

describe('mail templates', () => {
  for (const template of templates) {
    for (const locale of locales) {
      it(`renders ${template} in ${locale} with a subject, a text part and an HTML part`, () => {
        const mail = render(template, locale);
        // The activation and address-confirmation mails go to addresses nobody has proven yet: they
        // name no one.
        const name = template === 'activation' || template === 'email_change_link' ? '' : ' Jane';
        const greeting = locale === 'nl' ? `Hallo${name},` : `Hello${name},`;
        expect(mail.subject.trim()).not.toBe('');
        expect(linesOf(mail)[0]).toBe(greeting);
        expect(mail.html).toContain(`<html lang="${locale}">`);
        expect(decodeEntities(mail.html)).toContain(`<title>${mail.subject}</title>`);
        expect(decodeEntities(mail.html)).toContain(`<p>${greeting}</p>`);
      });
    }

    it(`writes ${template} in Dutch for Dutch readers`, () => {
      const english = render(template, 'en');
      const dutch = render(template, 'nl');
      expect(dutch.subject).not.toBe(english.subject);
      expect(dutch.text).not.toContain('Hello');
      expect(dutch.text).not.toMatch(/\b(the|you|your)\b/i);
    });
  }

  for (const [template, link] of Object.entries(linkOf)) {
    for (const locale of locales) {
      it(`puts the link of ${template} (${locale}) on a line of its own and behind a button`, () => {
        const mail = render(template as MailTemplate, locale);
        expect(linesOf(mail)).toContain(link);
        expect(decodeEntities(mail.html)).toContain(`<a href="${link}"`);
      });
    }
  }

  it('puts a one-time code on a line of its own', () => {
    for (const locale of locales) expect(linesOf(render('code', locale))).toContain('482913');
  });

  it('tells an owner whose account is not active yet how to activate it, and an active owner how to sign in', () => {
    const variables = samples('en').account_exists;
    const inactive = renderMail('account_exists', 'en', variables);
    const active = renderMail('account_exists', 'en', { ...variables, activationLink: undefined });
    expect(linesOf(inactive)).toContain(activationLink);
    expect(linesOf(inactive)).not.toContain(signInUrl);
    expect(linesOf(active)).toContain(signInUrl);
    expect(active.text).not.toContain('activate?token=');
  });

  it('greets by name only mails whose variables carry the proven owner’s name', () => {
    for (const locale of locales) {
      expect(linesOf(renderMail('code', locale, { code: '482913', purpose: 'enroll', minutes: 10 }))[0]).toBe(
        locale === 'nl' ? 'Hallo,' : 'Hello,',
      );
      const pending = { ...samples(locale).account_exists, firstName: undefined };
      expect(linesOf(renderMail('account_exists', locale, pending))[0]).toBe(
        locale === 'nl' ? 'Hallo,' : 'Hello,',
      );
    }
  });

  it('asks the reader of a contested activation to choose the password', () => {
    const variables = { ...samples('en').activation, choosePassword: true };
    expect(renderMail('activation', 'en', variables).text).toContain('you will choose your password');
    expect(renderMail('activation', 'nl', variables).text).toContain('je kiest je wachtwoord');
  });

  it('states how long the activation link is valid, in the reader’s language', () => {
    expect(render('activation', 'en').text).toContain('valid for 2 days');
    expect(render('activation', 'nl').text).toContain('is 2 dagen geldig');
  });

  it('escapes markup in everything a user typed, in every template', () => {
    const typed = `<script>alert("x")</script> & 'Co'`;
    // The activation and address-confirmation mails carry nothing typed at all (docs/security.md 33).
    const nothingTyped = new Set<MailTemplate>(['activation', 'email_change_link']);
    for (const template of templates.filter((name) => !nothingTyped.has(name))) {
      for (const locale of locales) {
        const mail = render(template, locale, typed);
        expect(mail.html, template).not.toContain('<script');
        expect(mail.html, template).not.toContain(typed);
        expect(decodeEntities(mail.html), template).toContain(typed);
        expect(mail.text, template).toContain(typed);
      }
    }
  });

  it('keeps a link with quotes inside its href attribute', () => {
    const link = 'https://account.wem.example/activate?token=a"onmouseover="alert(1)&x=<b>';
    const mail = renderMail('activation', 'en', { link, validFor: '2 days', choosePassword: false });
    expect(mail.html).not.toContain('"onmouseover=');
    expect(mail.html).not.toContain('<b>');
    expect(decodeEntities(mail.html)).toContain(`<a href="${link}"`);
  });

  it('does not let typed text with line breaks put a link of its own into a mail', () => {
    const lure = 'https://evil.example/activate?token=stolen';
    const typed = `Jane\n\n${lure}\n\n`;
    for (const template of templates) {
      for (const locale of locales) {
        const mail = render(template, locale, typed);
        expect(linesOf(mail), template).not.toContain(lure);
        expect(mail.html, template).not.toContain(`href="${lure}"`);
        const link = linkOf[template];
        if (link) expect(linesOf(mail), template).toContain(link);
      }
    }
  });
});

describe('describeDuration', () => {
  const hour = 3_600_000;
  it.each([
    [48 * hour, '2 days', '2 dagen'],
    [24 * hour, '1 day', '1 dag'],
    [7 * 24 * hour, '7 days', '7 dagen'],
    [36 * hour, '36 hours', '36 uur'],
    [hour, '1 hour', '1 uur'],
    [90 * 60_000, '90 minutes', '90 minuten'],
    [10 * 60_000, '10 minutes', '10 minuten'],
    [60_000, '1 minute', '1 minuut'],
    [45_000, '45 seconds', '45 seconden'],
    [1_000, '1 second', '1 seconde'],
  ])('describes %i ms as "%s" and in Dutch as "%s"', (ms, english, dutch) => {
    expect(describeDuration(ms, 'en')).toBe(english);
    expect(describeDuration(ms, 'nl')).toBe(dutch);
  });

  it('never promises more time than the link has', () => {
    expect(describeDuration(hour + 1_500, 'en')).toBe('3601 seconds');
    expect(describeDuration(1_999, 'en')).toBe('1 second');
  });
});
