import type { Locale } from '../../common/contract/fields';
import { lifecycleCopy, type LifecycleMailVariables } from './lifecycle-mails';

/**
 * Every mail the API sends, in English and Dutch, as plain text plus simple HTML. Links stand on a line
 * of their own in the text part so they survive clients that wrap lines.
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailVariables extends LifecycleMailVariables {
  /** Mailed before the address is proven: nothing in it comes from the signup form (no name). */
  activation: { link: string; validFor: string; choosePassword: boolean };
  account_exists: {
    /** Only for an active account: a pending one's name was typed by whoever signed up first. */
    firstName?: string | undefined;
    signInUrl: string;
    activationLink?: string | undefined;
    validFor: string;
  };
  already_active: { firstName: string; signInUrl: string };
  /** `firstName` only when the code goes to the account's own, proven address. */
  code: {
    firstName?: string | undefined;
    code: string;
    purpose: 'login' | 'step_up' | 'enroll' | 'reset';
    minutes: number;
  };
  factor_added: { firstName: string; factorType: string; factorLabel: string };
  factor_removed: { firstName: string; factorType: string; factorLabel: string };
  trusted_device_added: { firstName: string; deviceName: string; until: string };
  mfa_reset_requested: { firstName: string };
  codes_limited: { firstName: string };
  codes_failing: { firstName: string };
  password_attempts: { firstName: string };
  mfa_reset_approved: { firstName: string; note: string };
  mfa_reset_denied: { firstName: string; note: string };
}

const factorNames: Record<Locale, Record<string, string>> = {
  en: {
    email: 'email codes',
    sms: 'SMS codes',
    totp: 'the authenticator app',
    recovery_codes: 'recovery codes',
  },
  nl: {
    email: 'codes per e-mail',
    sms: 'codes per sms',
    totp: 'de authenticator-app',
    recovery_codes: 'herstelcodes',
  },
};

function factorName(locale: Locale, type: string, label: string): string {
  const name = factorNames[locale][type] ?? type;
  return type === 'email' || type === 'sms' ? `${name} (${label})` : name;
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
      hello(undefined),
      v.choosePassword
        ? 'Open this link to activate your WEM account. More than one sign-up was made with this address, so you will choose your password when you open it:'
        : 'Thank you for creating a WEM account. Open this link to activate it:',
      v.link,
      `The link works once and is valid for ${v.validFor}. If it has expired, you can ask for a new one in the WEM Account app.`,
      'Did not create an account? Then you can ignore this mail; nothing happens without the link.',
    ],
  }),
  account_exists: (v) => ({
    subject: 'Someone tried to create a WEM account with your address',
    paragraphs: [
      hello(v.firstName),
      'Someone, maybe you, just tried to create a new WEM account with this email address. You already have one, so no new account was made.',
      ...(v.activationLink
        ? [
            'Your account is not active yet. Open this link to activate it; you will choose its password when you open it:',
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
      hello(v.firstName),
      'Someone asked for a new activation link for this address, but your WEM account is already active. You can sign in:',
      v.signInUrl,
      'If this was not you, you can ignore this mail.',
    ],
  }),
  code: (v) => ({
    subject: `${v.code} is your WEM code`,
    paragraphs: [
      hello(v.firstName),
      v.purpose === 'enroll'
        ? 'Enter this code to confirm this email address for signing in to WEM:'
        : 'Enter this code to confirm it is you:',
      v.code,
      `It expires in ${v.minutes} minutes and works once. WEM will never ask you for this code by phone or mail.`,
      'Did not try to sign in? Then someone may know your password: change it.',
    ],
  }),
  factor_added: (v) => ({
    subject: 'A sign-in method was added to your WEM account',
    paragraphs: [
      hello(v.firstName),
      `You can now sign in with ${factorName('en', v.factorType, v.factorLabel)}.`,
      securityNoteEn,
    ],
  }),
  factor_removed: (v) => ({
    subject: 'A sign-in method was removed from your WEM account',
    paragraphs: [
      hello(v.firstName),
      `${capitalise(factorName('en', v.factorType, v.factorLabel))} can no longer be used to sign in.`,
      securityNoteEn,
    ],
  }),
  trusted_device_added: (v) => ({
    subject: 'A computer is now trusted for your WEM account',
    paragraphs: [
      hello(v.firstName),
      `"${v.deviceName}" will sign in without a second factor until ${v.until}, or until you sign out there. You can revoke it in My details.`,
      securityNoteEn,
    ],
  }),
  mfa_reset_requested: (v) => ({
    subject: 'We received a request to reset your WEM sign-in methods',
    paragraphs: [
      hello(v.firstName),
      'Someone who knows your password asked WEM Support to reset the multi-factor authentication of your account. Support will check the request before anything changes.',
      'If this was not you, change your password and tell WEM Support right away.',
    ],
  }),
  codes_limited: (v) => ({
    subject: 'Many sign-in codes were requested for your WEM account',
    paragraphs: [
      hello(v.firstName),
      'Your account asked for more sign-in codes by email or SMS than we allow, so we stopped sending them for a while. Someone may be using your account to send codes to other people.',
      'If this was not you, change your password and check the sign-in methods in My details.',
    ],
  }),
  codes_failing: (v) => ({
    subject: 'Wrong sign-in codes were entered for your WEM account',
    paragraphs: [
      hello(v.firstName),
      'Someone entered your correct password, or opened a password reset link mailed to you, and then several wrong second-factor codes. They were stopped; you can still sign in with your own factor as usual.',
      'Was this not you? Then someone knows your password or can read your mail: change your password now, in My details, and the password of your mailbox.',
    ],
  }),
  password_attempts: (v) => ({
    subject: 'Someone is trying to sign in to your WEM account',
    paragraphs: [
      hello(v.firstName),
      'There were several sign-in attempts with a wrong password for your account, so each new try now has to wait a while. A computer you trusted with "Trust this computer" can still sign in right away.',
      'If this was not you, you do not need to do anything: your password was not accepted. If you reuse this password elsewhere, change it.',
    ],
  }),
  mfa_reset_approved: (v) => ({
    subject: 'Your WEM sign-in methods were reset',
    paragraphs: [
      hello(v.firstName),
      'WEM Support approved your request: all multi-factor methods, trusted computers and sessions of your account were removed. Sign in with your password and set up new methods.',
      ...(v.note ? [`Note from support: ${v.note}`] : []),
    ],
  }),
  mfa_reset_denied: (v) => ({
    subject: 'Your WEM reset request was not approved',
    paragraphs: [
      hello(v.firstName),
      'WEM Support did not approve the request to reset your multi-factor authentication. Nothing was changed.',
      ...(v.note ? [`Note from support: ${v.note}`] : []),
    ],
  }),
  ...lifecycleCopy.en,
};

const securityNoteEn =
  'Was this not you? Sign in, check My details, and change your password. If you cannot sign in any more, ask WEM Support for help.';
const securityNoteNl =
  'Was jij dit niet? Log in, controleer Mijn gegevens en wijzig je wachtwoord. Kun je niet meer inloggen, vraag dan WEM Support om hulp.';

/** The greeting: by name only when the name is the proven owner's. */
function hello(firstName: string | undefined): string {
  return firstName ? `Hello ${firstName},` : 'Hello,';
}

function hallo(firstName: string | undefined): string {
  return firstName ? `Hallo ${firstName},` : 'Hallo,';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const dutch: Templates = {
  activation: (v) => ({
    subject: 'Activeer je WEM-account',
    paragraphs: [
      hallo(undefined),
      v.choosePassword
        ? 'Open deze link om je WEM-account te activeren. Er is meer dan één keer een account aangevraagd met dit adres, dus je kiest je wachtwoord als je de link opent:'
        : 'Bedankt voor het aanmaken van een WEM-account. Open deze link om het te activeren:',
      v.link,
      `De link werkt één keer en is ${v.validFor} geldig. Is hij verlopen, dan vraag je in de WEM Account-app een nieuwe aan.`,
      'Heb je geen account aangemaakt? Dan kun je deze mail negeren; zonder de link gebeurt er niets.',
    ],
  }),
  account_exists: (v) => ({
    subject: 'Iemand probeerde een WEM-account aan te maken met jouw adres',
    paragraphs: [
      hallo(v.firstName),
      'Iemand, misschien jij, probeerde zojuist een nieuw WEM-account aan te maken met dit e-mailadres. Je hebt er al een, dus er is geen nieuw account gemaakt.',
      ...(v.activationLink
        ? [
            'Je account is nog niet actief. Open deze link om het te activeren; je kiest het wachtwoord als je de link opent:',
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
      hallo(v.firstName),
      'Iemand vroeg een nieuwe activatielink aan voor dit adres, maar je WEM-account is al actief. Je kunt inloggen:',
      v.signInUrl,
      'Was jij dit niet? Dan kun je deze mail negeren.',
    ],
  }),
  code: (v) => ({
    subject: `${v.code} is je WEM-code`,
    paragraphs: [
      hallo(v.firstName),
      v.purpose === 'enroll'
        ? 'Vul deze code in om dit e-mailadres te bevestigen voor het inloggen bij WEM:'
        : 'Vul deze code in om te bevestigen dat jij het bent:',
      v.code,
      `Hij verloopt over ${v.minutes} minuten en werkt één keer. WEM vraagt nooit per telefoon of mail om deze code.`,
      'Probeerde je niet in te loggen? Dan kent iemand misschien je wachtwoord: wijzig het.',
    ],
  }),
  factor_added: (v) => ({
    subject: 'Er is een inlogmethode toegevoegd aan je WEM-account',
    paragraphs: [
      hallo(v.firstName),
      `Je kunt nu inloggen met ${factorName('nl', v.factorType, v.factorLabel)}.`,
      securityNoteNl,
    ],
  }),
  factor_removed: (v) => ({
    subject: 'Er is een inlogmethode verwijderd uit je WEM-account',
    paragraphs: [
      hallo(v.firstName),
      `${capitalise(factorName('nl', v.factorType, v.factorLabel))} kan niet meer worden gebruikt om in te loggen.`,
      securityNoteNl,
    ],
  }),
  trusted_device_added: (v) => ({
    subject: 'Een computer wordt nu vertrouwd voor je WEM-account',
    paragraphs: [
      hallo(v.firstName),
      `"${v.deviceName}" logt zonder tweede factor in tot ${v.until}, of tot je daar uitlogt. Je kunt dit intrekken in Mijn gegevens.`,
      securityNoteNl,
    ],
  }),
  mfa_reset_requested: (v) => ({
    subject: 'We hebben een verzoek ontvangen om je WEM-inlogmethoden te resetten',
    paragraphs: [
      hallo(v.firstName),
      'Iemand die je wachtwoord kent, vroeg WEM Support de multifactorauthenticatie van je account te resetten. Support controleert het verzoek voordat er iets verandert.',
      'Was jij dit niet? Wijzig dan je wachtwoord en laat het WEM Support direct weten.',
    ],
  }),
  codes_limited: (v) => ({
    subject: 'Er zijn veel inlogcodes aangevraagd voor je WEM-account',
    paragraphs: [
      hallo(v.firstName),
      'Je account vroeg meer inlogcodes per e-mail of sms aan dan we toestaan, dus we versturen ze een tijdje niet. Misschien gebruikt iemand je account om codes naar anderen te sturen.',
      'Was jij dit niet? Wijzig dan je wachtwoord en controleer de inlogmethoden in Mijn gegevens.',
    ],
  }),
  codes_failing: (v) => ({
    subject: 'Er zijn verkeerde inlogcodes ingevoerd voor je WEM-account',
    paragraphs: [
      hallo(v.firstName),
      'Iemand voerde je juiste wachtwoord in, of opende een link om je wachtwoord opnieuw in te stellen die we je mailden, en daarna meerdere verkeerde codes van de tweede stap. Die zijn tegengehouden; jij kunt gewoon inloggen met je eigen factor.',
      'Was jij dit niet? Dan kent iemand je wachtwoord of kan iemand je mail lezen: wijzig je wachtwoord nu, in Mijn gegevens, en ook het wachtwoord van je mailbox.',
    ],
  }),
  password_attempts: (v) => ({
    subject: 'Iemand probeert in te loggen op je WEM-account',
    paragraphs: [
      hallo(v.firstName),
      'Er waren meerdere inlogpogingen met een verkeerd wachtwoord voor je account, dus elke nieuwe poging moet nu even wachten. Een computer die je vertrouwt via "Vertrouw deze computer" kan wel meteen inloggen.',
      'Was jij dit niet? Dan hoef je niets te doen: je wachtwoord is niet geaccepteerd. Gebruik je dit wachtwoord ook elders, wijzig het dan.',
    ],
  }),
  mfa_reset_approved: (v) => ({
    subject: 'Je WEM-inlogmethoden zijn gereset',
    paragraphs: [
      hallo(v.firstName),
      'WEM Support heeft je verzoek goedgekeurd: alle multifactormethoden, vertrouwde computers en sessies van je account zijn verwijderd. Log in met je wachtwoord en stel nieuwe methoden in.',
      ...(v.note ? [`Opmerking van support: ${v.note}`] : []),
    ],
  }),
  mfa_reset_denied: (v) => ({
    subject: 'Je WEM-resetverzoek is niet goedgekeurd',
    paragraphs: [
      hallo(v.firstName),
      'WEM Support heeft het verzoek om je multifactorauthenticatie te resetten niet goedgekeurd. Er is niets veranderd.',
      ...(v.note ? [`Opmerking van support: ${v.note}`] : []),
    ],
  }),
  ...lifecycleCopy.nl,
};

const byLocale: Record<Locale, Templates> = { en: english, nl: dutch };

const durationUnits = [
  { ms: 86_400_000, en: ['day', 'days'], nl: ['dag', 'dagen'] },
  { ms: 3_600_000, en: ['hour', 'hours'], nl: ['uur', 'uur'] },
  { ms: 60_000, en: ['minute', 'minutes'], nl: ['minuut', 'minuten'] },
  { ms: 1_000, en: ['second', 'seconds'], nl: ['seconde', 'seconden'] },
] as const;

/**
 * "2 days", "36 hours", "90 minutes": the largest unit that states the duration exactly. A duration that
 * is not a whole number of seconds is rounded down, so a mail never promises more time than there is.
 */
export function describeDuration(ms: number, locale: Locale): string {
  const unit = durationUnits.find((u) => ms >= u.ms && ms % u.ms === 0) ?? durationUnits[3];
  const count = Math.max(1, Math.floor(ms / unit.ms));
  return `${count} ${unit[locale][count === 1 ? 0 : 1]}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const isLink = (paragraph: string) => /^https?:\/\/\S+$/.test(paragraph);

/**
 * Every value put into a mail stays inside its sentence: a name, device name or note with line breaks
 * could otherwise put a look-alike link on a line of its own in a mail that comes from us.
 */
function oneLine<V extends object>(variables: V): V {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : value,
    ]),
  ) as V;
}

export function renderMail<T extends MailTemplate>(
  template: T,
  locale: Locale,
  variables: MailVariables[T],
): RenderedMail {
  const copy = (byLocale[locale][template] as (v: MailVariables[T]) => Copy)(oneLine(variables));
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
