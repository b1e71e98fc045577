import { expect, it } from 'vitest';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { bearer, lastCodeMailedTo } from '../helpers/mfa';
import { addEmailFactor, addRecoveryCodes, addSmsFactor, SmsInbox } from '../helpers/mfa-factors';
import { activationTokenIn, type ReceivedMail } from '../helpers/smtp-peer';
import { enrolledAccount, loginWithTotp, requestReset, supportAgent } from '../helpers/trust';

// docs/security.md 20: every factor change, new trusted computer and MFA reset is mailed to the account owner,
// at the account's own address, in the account's language, and no notice carries a secret.

const inbox = new SmsInbox();

const copy = {
  en: {
    added: 'A sign-in method was added to your WEM account',
    removed: 'A sign-in method was removed from your WEM account',
    trusted: 'A computer is now trusted for your WEM account',
    requested: 'We received a request to reset your WEM sign-in methods',
    denied: 'Your WEM reset request was not approved',
    approved: 'Your WEM sign-in methods were reset',
    code: /is your WEM code$/,
    factors: {
      totp: 'authenticator app',
      email: 'email codes',
      sms: 'SMS codes',
      recovery: 'recovery codes',
    },
    phone: '+31612345678',
    deviceName: 'Work laptop',
  },
  nl: {
    added: 'Er is een inlogmethode toegevoegd aan je WEM-account',
    removed: 'Er is een inlogmethode verwijderd uit je WEM-account',
    trusted: 'Een computer wordt nu vertrouwd voor je WEM-account',
    requested: 'We hebben een verzoek ontvangen om je WEM-inlogmethoden te resetten',
    denied: 'Je WEM-resetverzoek is niet goedgekeurd',
    approved: 'Je WEM-inlogmethoden zijn gereset',
    code: /is je WEM-code$/,
    factors: {
      totp: 'authenticator-app',
      email: 'codes per e-mail',
      sms: 'codes per sms',
      recovery: 'herstelcodes',
    },
    // A Dutch account may type its mobile number the national way.
    phone: '06 12345678',
    deviceName: 'Werklaptop',
  },
} as const;

function decide(api: TestApi, token: string, requestId: string, decision: 'approve' | 'deny') {
  return api.request(
    'POST',
    `/v1/admin/mfa-reset-requests/${requestId}/${decision}`,
    { note: 'Identity checked by video call.' },
    bearer(token),
  );
}

forEachDialect(
  'notices to the account owner',
  (t) => {
    for (const locale of ['en', 'nl'] as const) {
      const words = copy[locale];

      it(`mails every factor change, trusted computer and reset to the owner's own address (${locale})`, async () => {
        const api = t();
        const owner = await enrolledAccount(api, { locale, firstName: 'Noor' });
        const token = owner.token;
        const codesAddress = `codes.${owner.email}`;
        const secrets: string[] = [owner.totpSecret, token];
        const [activation] = await api.mailsTo(owner.email);
        secrets.push(activationTokenIn(activation!));
        const notices: ReceivedMail[] = [];

        // Each step mails exactly one notice; its content says what changed.
        let seen = 1;
        async function expectNotice(subject: string, mentions?: string): Promise<void> {
          const received = await api.mailsTo(owner.email);
          const fresh = received.slice(seen);
          seen = received.length;
          expect(fresh.map((mail) => mail.subject)).toEqual([subject]);
          if (mentions) expect(fresh[0]!.text.toLowerCase()).toContain(mentions.toLowerCase());
          notices.push(...fresh);
        }

        await expectNotice(words.added, words.factors.totp);
        const emailFactorId = await addEmailFactor(api, token, codesAddress);
        secrets.push(await lastCodeMailedTo(api, codesAddress));
        await expectNotice(words.added, words.factors.email);
        const textsBefore = inbox.sent.length;
        const sms = await addSmsFactor(api, inbox, token, words.phone);
        const texts = inbox.sent.slice(textsBefore);
        secrets.push(...texts.map((text) => /\d{6}/.exec(text.body)?.[0] ?? 'no code in the text'));
        await expectNotice(words.added, words.factors.sms);
        const recovery = await addRecoveryCodes(api, token);
        await expectNotice(words.added, words.factors.recovery);
        const newRecovery = await addRecoveryCodes(api, token);
        await expectNotice(words.added, words.factors.recovery);
        secrets.push(...recovery.codes, ...newRecovery.codes);
        const trusting = await loginWithTotp(api, owner, { deviceName: words.deviceName });
        secrets.push(trusting.token, trusting.device!.token, ...trusting.device!.token.split('.'));
        await expectNotice(words.trusted, `"${words.deviceName}"`);
        for (const [factorId, name] of [
          [sms.id, words.factors.sms],
          [emailFactorId, words.factors.email],
          [recovery.id, words.factors.recovery],
        ] as const) {
          const removed = await api.request('DELETE', `/v1/me/factors/${factorId}`, undefined, bearer(token));
          expect(removed.status).toBe(204);
          await expectNotice(words.removed, name);
        }
        const agent = await supportAgent(api);
        const denied = await requestReset(api, owner);
        await expectNotice(words.requested);
        expect((await decide(api, agent.token, denied, 'deny')).status).toBe(200);
        await expectNotice(words.denied, 'Identity checked by video call.');
        const approved = await requestReset(api, owner);
        await expectNotice(words.requested);
        expect((await decide(api, agent.token, approved, 'approve')).status).toBe(200);
        await expectNotice(words.approved, 'Identity checked by video call.');

        for (const notice of notices) {
          expect(notice.text).toContain(locale === 'nl' ? 'Hallo Noor,' : 'Hello Noor,');
          expect(notice.html).toContain(`<html lang="${locale}">`);
        }

        // The address of the email factor only ever got its code; the phone only its code.
        const elsewhere: ReceivedMail[] = await api.mailsTo(codesAddress);
        expect(elsewhere).toHaveLength(1);
        expect(elsewhere[0]!.subject).toMatch(words.code);
        expect(inbox.sent.slice(textsBefore).map((text) => text.to)).toEqual([sms.e164]);

        // No notice carries a code, token or secret of any kind.
        for (const notice of notices) {
          const content = `${notice.subject}\n${notice.text}\n${notice.html}`;
          for (const secret of secrets) expect(content, notice.subject).not.toContain(secret);
          // The text a person reads holds no number that could be a code (the HTML has colours like #111827).
          expect(`${notice.subject}\n${notice.text}`, notice.subject).not.toMatch(/\b\d{6}\b/);
          expect(content, notice.subject).not.toMatch(/[A-Z2-7]{16,}/);
          expect(content, notice.subject).not.toMatch(/token=|secret=/i);
        }
      });
    }
  },
  { smsProvider: inbox },
);
