import type { Locale } from '../../common/contract/fields';

/**
 * Every mail the API sends, in English and Dutch, as plain text plus simple HTML. Links stand on a line
 * of their own in the text part so they survive clients that wrap lines.
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailVariables {
  activation: { firstName: string; link: string; validFor: string };
  account_exists: {
    firstName: string;
    signInUrl: string;
    activationLink?: string | undefined;
    validFor: string;
  };
  already_active: { firstName: string; signInUrl: string };
}
export type MailTemplate = keyof MailVariables;

interface Copy {
  subject: string;
  /** Paragraphs; a paragraph that is exactly a URL becomes a button in HTML and its own line in text. */
  paragraphs: string[];
}

type Templates = { [T in MailTemplate]: (v: MailVariables[T]) => Copy };

const english: Templates = {
  activation: (v) => ({
    subject: 'Activate your WEM account',
    paragraphs: [
      `Hello ${v.firstName},`,
      'Thank you for creating a WEM account. Open this link to activate it:',
      v.link,
      `The link works once and is valid for ${v.validFor}. If it has expired, you can ask for a new one in the WEM Account app.`,
      'Did not create an account? Then you can ignore this mail; nothing happens without the link.',
    ],
  }),
  account_exists: (v) => ({
    subject: 'Someone tried to create a WEM account with your address',
    paragraphs: [
      `Hello ${v.firstName},`,
      'Someone, maybe you, just tried to create a new WEM account with this email address. You already have one, so no new account was made.',
      ...(v.activationLink
        ? [
            'Your account is not active yet. Open this link to activate it:',
            v.activationLink,
            `The link works once and is valid for ${v.validFor}.`,
          ]
        : ['You can sign in with your existing account:', v.signInUrl]),
      'If this was not you, you can ignore this mail. Your account has not changed.',
    ],
  }),
  already_active: (v) => ({
    subject: 'Your WEM account is already active',
    paragraphs: [
      `Hello ${v.firstName},`,
      'Someone asked for a new activation link for this address, but your WEM account is already active. You can sign in:',
      v.signInUrl,
      'If this was not you, you can ignore this mail.',
    ],
  }),
};

const dutch: Templates = {
  activation: (v) => ({
    subject: 'Activeer je WEM-account',
    paragraphs: [
      `Hallo ${v.firstName},`,
      'Bedankt voor het aanmaken van een WEM-account. Open deze link om het te activeren:',
      v.link,
      `De link werkt één keer en is ${v.validFor} geldig. Is hij verlopen, dan vraag je in de WEM Account-app een nieuwe aan.`,
      'Heb je geen account aangemaakt? Dan kun je deze mail negeren; zonder de link gebeurt er niets.',
    ],
  }),
  account_exists: (v) => ({
    subject: 'Iemand probeerde een WEM-account aan te maken met jouw adres',
    paragraphs: [
      `Hallo ${v.firstName},`,
      'Iemand, misschien jij, probeerde zojuist een nieuw WEM-account aan te maken met dit e-mailadres. Je hebt er al een, dus er is geen nieuw account gemaakt.',
      ...(v.activationLink
        ? [
            'Je account is nog niet actief. Open deze link om het te activeren:',
            v.activationLink,
            `De link werkt één keer en is ${v.validFor} geldig.`,
          ]
        : ['Je kunt inloggen met je bestaande account:', v.signInUrl]),
      'Was jij dit niet? Dan kun je deze mail negeren. Er is niets aan je account veranderd.',
    ],
  }),
  already_active: (v) => ({
    subject: 'Je WEM-account is al actief',
    paragraphs: [
      `Hallo ${v.firstName},`,
      'Iemand vroeg een nieuwe activatielink aan voor dit adres, maar je WEM-account is al actief. Je kunt inloggen:',
      v.signInUrl,
      'Was jij dit niet? Dan kun je deze mail negeren.',
    ],
  }),
};

const byLocale: Record<Locale, Templates> = { en: english, nl: dutch };

export function describeDuration(ms: number, locale: Locale): string {
  const hours = Math.round(ms / 3_600_000);
  if (hours >= 24 && hours % 24 === 0) {
    const days = hours / 24;
    if (locale === 'nl') return days === 1 ? '1 dag' : `${days} dagen`;
    return days === 1 ? '1 day' : `${days} days`;
  }
  if (locale === 'nl') return hours === 1 ? '1 uur' : `${hours} uur`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const isLink = (paragraph: string) => /^https?:\/\/\S+$/.test(paragraph);

export function renderMail<T extends MailTemplate>(
  template: T,
  locale: Locale,
  variables: MailVariables[T],
): RenderedMail {
  const copy = (byLocale[locale][template] as (v: MailVariables[T]) => Copy)(variables);
  const text = `${copy.paragraphs.join('\n\n')}\n\n-- \nWEM Account\n`;
  const body = copy.paragraphs
    .map((p) =>
      isLink(p)
        ? `<p><a href="${escapeHtml(p)}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;border-radius:6px;text-decoration:none">${escapeHtml(p)}</a></p>`
        : `<p>${escapeHtml(p)}</p>`,
    )
    .join('\n');
  const html = `<!doctype html>\n<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(copy.subject)}</title></head>\n<body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#111827;max-width:560px;margin:24px auto;padding:0 16px">\n${body}\n<p style="color:#6b7280;font-size:13px">WEM Account</p>\n</body></html>\n`;
  return { subject: copy.subject, text, html };
}
