import type { Locale } from '../../common/contract/fields';

/**
 * The mails of the account lifecycle (docs/api.md "Account lifecycle"), in English and Dutch: the reset
 * link, the notices of a changed password or address, the address-taken notice, and goodbye. Every change
 * is told to the address that owned the account when it happened, so an intruder cannot act unseen.
 */

export interface LifecycleMailVariables {
  password_reset: { firstName: string; link: string; validFor: string };
  /** `how`: by a reset link (every computer signed out) or from My details (this one stays). */
  password_changed: { firstName: string; how: 'reset' | 'changed' };
  /** To the new, not yet proven address: greets nobody by name. */
  email_change_link: { link: string; validFor: string };
  email_change_requested: { firstName: string; newEmail: string };
  email_changed: { firstName: string; newEmail: string };
  /** To the owner of an address another account tried to move to. */
  email_change_taken: { firstName: string };
  account_deleted: { firstName: string };
  account_deleted_by_support: { firstName: string; note: string };
}

export type LifecycleTemplate = keyof LifecycleMailVariables;

interface Copy {
  subject: string;
  paragraphs: string[];
}

type LifecycleTemplates = { [T in LifecycleTemplate]: (v: LifecycleMailVariables[T]) => Copy };

const hello = (firstName?: string) => (firstName ? `Hello ${firstName},` : 'Hello,');
const hallo = (firstName?: string) => (firstName ? `Hallo ${firstName},` : 'Hallo,');
const notYouEn =
  'Was this not you? Reset your password from the sign-in screen ("Forgot password?") and ask WEM Support for help.';
const notYouNl =
  'Was jij dit niet? Stel een nieuw wachtwoord in via het inlogscherm ("Wachtwoord vergeten?") en vraag WEM Support om hulp.';

const english: LifecycleTemplates = {
  password_reset: (v) => ({
    subject: 'Reset your WEM password',
    paragraphs: [
      hello(v.firstName),
      'Someone, maybe you, asked to reset the password of your WEM account. Open this link to choose a new one:',
      v.link,
      `The link works once and is valid for ${v.validFor}; a newer link replaces it. If your account has a second factor, you will be asked for it too.`,
      'Did not ask for this? Then you can ignore this mail: your password stays as it is.',
    ],
  }),
  password_changed: (v) => ({
    subject: 'Your WEM password was changed',
    paragraphs: [
      hello(v.firstName),
      v.how === 'reset'
        ? 'The password of your WEM account was reset with the link we mailed you. Every computer was signed out and no computer is trusted any more.'
        : 'The password of your WEM account was changed in My details. Other computers were signed out and no computer is trusted any more.',
      notYouEn,
    ],
  }),
  email_change_link: (v) => ({
    subject: 'Confirm your new email address for WEM',
    paragraphs: [
      hello(),
      'A WEM account asked to use this email address from now on. Open this link to confirm it:',
      v.link,
      `The link works once and is valid for ${v.validFor}. Until it is used, the account keeps its old address.`,
      'Did not ask for this? Then you can ignore this mail; nothing changes without the link.',
    ],
  }),
  email_change_requested: (v) => ({
    subject: 'A new email address was requested for your WEM account',
    paragraphs: [
      hello(v.firstName),
      `Someone signed in to your WEM account asked to change its email address to ${v.newEmail}. It changes only when the link mailed there is opened.`,
      notYouEn,
    ],
  }),
  email_changed: (v) => ({
    subject: 'The email address of your WEM account was changed',
    paragraphs: [
      hello(v.firstName),
      `Your WEM account now signs in with ${v.newEmail}. This address will get no more mail about the account.`,
      'Was this not you? Contact WEM Support right away.',
    ],
  }),
  email_change_taken: (v) => ({
    subject: 'Someone tried to move a WEM account to your address',
    paragraphs: [
      hello(v.firstName),
      'Someone asked to change the address of another WEM account to this one. Your address already belongs to your account, so nothing changed.',
      'If this was not you, you do not need to do anything.',
    ],
  }),
  account_deleted: (v) => ({
    subject: 'Your WEM account was deleted',
    paragraphs: [
      hello(v.firstName),
      'Your WEM account and everything in it (sign-in methods, trusted computers, sessions) were deleted, as you asked. Goodbye, and thank you for using WEM.',
      'You can create a new account with this address at any time.',
      'Was this not you? Contact WEM Support right away.',
    ],
  }),
  account_deleted_by_support: (v) => ({
    subject: 'Your WEM account was deleted by WEM Support',
    paragraphs: [
      hello(v.firstName),
      'WEM Support deleted your WEM account and everything in it (sign-in methods, trusted computers, sessions).',
      ...(v.note ? [`Note from support: ${v.note}`] : []),
      'You can create a new account with this address at any time.',
    ],
  }),
};

const dutch: LifecycleTemplates = {
  password_reset: (v) => ({
    subject: 'Stel een nieuw WEM-wachtwoord in',
    paragraphs: [
      hallo(v.firstName),
      'Iemand, misschien jij, vroeg om het wachtwoord van je WEM-account opnieuw in te stellen. Open deze link om een nieuw wachtwoord te kiezen:',
      v.link,
      `De link werkt één keer en is ${v.validFor} geldig; een nieuwere link vervangt hem. Heeft je account een tweede factor, dan wordt daar ook om gevraagd.`,
      'Heb je hier niet om gevraagd? Dan kun je deze mail negeren: je wachtwoord blijft hetzelfde.',
    ],
  }),
  password_changed: (v) => ({
    subject: 'Je WEM-wachtwoord is gewijzigd',
    paragraphs: [
      hallo(v.firstName),
      v.how === 'reset'
        ? 'Het wachtwoord van je WEM-account is opnieuw ingesteld met de link die we je mailden. Elke computer is uitgelogd en geen computer wordt nog vertrouwd.'
        : 'Het wachtwoord van je WEM-account is gewijzigd in Mijn gegevens. Andere computers zijn uitgelogd en geen computer wordt nog vertrouwd.',
      notYouNl,
    ],
  }),
  email_change_link: (v) => ({
    subject: 'Bevestig je nieuwe e-mailadres voor WEM',
    paragraphs: [
      hallo(),
      'Een WEM-account wil voortaan dit e-mailadres gebruiken. Open deze link om het te bevestigen:',
      v.link,
      `De link werkt één keer en is ${v.validFor} geldig. Tot hij gebruikt is, houdt het account zijn oude adres.`,
      'Heb je hier niet om gevraagd? Dan kun je deze mail negeren; zonder de link verandert er niets.',
    ],
  }),
  email_change_requested: (v) => ({
    subject: 'Er is een nieuw e-mailadres aangevraagd voor je WEM-account',
    paragraphs: [
      hallo(v.firstName),
      `Iemand die is ingelogd op je WEM-account vroeg het e-mailadres te wijzigen in ${v.newEmail}. Het verandert pas als de link die daarheen is gemaild wordt geopend.`,
      notYouNl,
    ],
  }),
  email_changed: (v) => ({
    subject: 'Het e-mailadres van je WEM-account is gewijzigd',
    paragraphs: [
      hallo(v.firstName),
      `Je WEM-account logt nu in met ${v.newEmail}. Dit adres krijgt geen mail meer over het account.`,
      'Was jij dit niet? Neem dan direct contact op met WEM Support.',
    ],
  }),
  email_change_taken: (v) => ({
    subject: 'Iemand probeerde een WEM-account naar jouw adres te verhuizen',
    paragraphs: [
      hallo(v.firstName),
      'Iemand vroeg om het adres van een ander WEM-account te wijzigen in dit adres. Jouw adres hoort al bij jouw account, dus er is niets veranderd.',
      'Was jij dit niet? Dan hoef je niets te doen.',
    ],
  }),
  account_deleted: (v) => ({
    subject: 'Je WEM-account is verwijderd',
    paragraphs: [
      hallo(v.firstName),
      'Je WEM-account en alles wat erbij hoort (inlogmethoden, vertrouwde computers, sessies) zijn verwijderd, zoals je vroeg. Tot ziens, en bedankt voor het gebruik van WEM.',
      'Je kunt met dit adres altijd een nieuw account aanmaken.',
      'Was jij dit niet? Neem dan direct contact op met WEM Support.',
    ],
  }),
  account_deleted_by_support: (v) => ({
    subject: 'Je WEM-account is verwijderd door WEM Support',
    paragraphs: [
      hallo(v.firstName),
      'WEM Support heeft je WEM-account verwijderd, met alles wat erbij hoort (inlogmethoden, vertrouwde computers, sessies).',
      ...(v.note ? [`Opmerking van support: ${v.note}`] : []),
      'Je kunt met dit adres altijd een nieuw account aanmaken.',
    ],
  }),
};

export const lifecycleCopy: Record<Locale, LifecycleTemplates> = { en: english, nl: dutch };
