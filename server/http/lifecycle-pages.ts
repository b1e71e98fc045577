import { z } from 'zod';
import { tokenField } from '../../common/contract/fields';
import type { AccountChanges } from '../accounts/account-changes';
import { escapeHtml, formValue, page, pickLocale, send, type PageLocale } from './activation-page';
import { ApiError } from './api-error';
import type { ApiInstance } from './route-types';

/**
 * The pages behind the lifecycle links (docs/api.md "Account lifecycle"). Like /activate, opening one
 * changes nothing (mail scanners fetch links). The reset link continues in the app or the portal, where
 * the factor step and the new password are asked; the email confirmation is one button (a form POST).
 */

const copy = {
  en: {
    resetTitle: 'Choose a new password',
    resetBody:
      'Continue in the WEM Account app or in your browser. If your account has a second factor, you will be asked for it before you choose the new password.',
    openApp: 'Open in the WEM Account app',
    openPortal: 'Continue in the browser',
    confirmTitle: 'Confirm your new email address',
    confirmBody: 'One click and your WEM account signs in with this address from now on.',
    confirmButton: 'Confirm my new address',
    confirmed: 'Your email address was changed',
    confirmedBody: 'Sign in with your new address from now on.',
    used: 'This address is already confirmed',
    usedBody: 'This link has been used. Sign in with your new address.',
    expired: 'This link has expired',
    expiredBody: 'Change the email address again in My details for a new link.',
    taken: 'This address is taken',
    takenBody: 'Another account uses this address now, so your account keeps its old address.',
    invalid: 'This link does not work',
    invalidBody:
      'The link is incomplete or was replaced by a newer one. Use the link in the most recent mail.',
  },
  nl: {
    resetTitle: 'Kies een nieuw wachtwoord',
    resetBody:
      'Ga verder in de WEM Account-app of in je browser. Heeft je account een tweede factor, dan wordt daarom gevraagd voordat je het nieuwe wachtwoord kiest.',
    openApp: 'Open in de WEM Account-app',
    openPortal: 'Ga verder in de browser',
    confirmTitle: 'Bevestig je nieuwe e-mailadres',
    confirmBody: 'Eén klik en je WEM-account logt voortaan in met dit adres.',
    confirmButton: 'Bevestig mijn nieuwe adres',
    confirmed: 'Je e-mailadres is gewijzigd',
    confirmedBody: 'Log voortaan in met je nieuwe adres.',
    used: 'Dit adres is al bevestigd',
    usedBody: 'Deze link is al gebruikt. Log in met je nieuwe adres.',
    expired: 'Deze link is verlopen',
    expiredBody: 'Wijzig het e-mailadres opnieuw in Mijn gegevens voor een nieuwe link.',
    taken: 'Dit adres is al in gebruik',
    takenBody: 'Een ander account gebruikt dit adres nu, dus je account houdt zijn oude adres.',
    invalid: 'Deze link werkt niet',
    invalidBody:
      'De link is onvolledig of vervangen door een nieuwere. Gebruik de link uit de meest recente mail.',
  },
} satisfies Record<PageLocale, Record<string, string>>;

const tokenQuery = z.object({ token: formValue.optional() });
const tokenForm = z.object({ token: formValue.optional() });

function links(locale: PageLocale, action: 'reset-password' | 'confirm-email', token: string): string {
  const t = copy[locale];
  const appLink = `wem-account://${action}?token=${encodeURIComponent(token)}`;
  const portalLink = `/portal/#${action}=${encodeURIComponent(token)}`;
  return `<a class="app" href="${escapeHtml(appLink)}">${escapeHtml(t.openApp)}</a>
<a class="app" href="${escapeHtml(portalLink)}">${escapeHtml(t.openPortal)}</a>`;
}

export function lifecyclePages(app: ApiInstance, changes: AccountChanges): void {
  app.get('/reset-password', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    const locale = pickLocale(request);
    const t = copy[locale];
    const token = request.query.token ?? '';
    if (!tokenField.safeParse(token).success)
      return send(reply, 400, page(locale, t.invalid, `<p>${escapeHtml(t.invalidBody)}</p>`));
    return send(
      reply,
      200,
      page(
        locale,
        t.resetTitle,
        `<p>${escapeHtml(t.resetBody)}</p>\n${links(locale, 'reset-password', token)}`,
      ),
    );
  });

  app.get('/confirm-email', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    const locale = pickLocale(request);
    const t = copy[locale];
    const token = request.query.token ?? '';
    if (!tokenField.safeParse(token).success)
      return send(reply, 400, page(locale, t.invalid, `<p>${escapeHtml(t.invalidBody)}</p>`));
    return send(
      reply,
      200,
      page(
        locale,
        t.confirmTitle,
        `<p>${escapeHtml(t.confirmBody)}</p>
<form method="post" action="/confirm-email"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">${escapeHtml(t.confirmButton)}</button></form>
${links(locale, 'confirm-email', token)}`,
      ),
    );
  });

  app.post('/confirm-email', { schema: { hide: true, body: tokenForm } }, async (request, reply) => {
    const locale = pickLocale(request);
    const t = copy[locale];
    const outcome = (status: number, heading: string, body: string) =>
      send(reply, status, page(locale, heading, `<p>${escapeHtml(body)}</p>`));
    try {
      await changes.confirmEmailChange(request.body.token ?? '', request.ip);
      return outcome(200, t.confirmed, t.confirmedBody);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      switch (error.code) {
        case 'email_change_used':
          return outcome(409, t.used, t.usedBody);
        case 'email_change_expired':
          return outcome(410, t.expired, t.expiredBody);
        case 'email_taken':
          return outcome(409, t.taken, t.takenBody);
        default:
          return outcome(400, t.invalid, t.invalidBody);
      }
    }
  });
}
