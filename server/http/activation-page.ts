import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ActivationService } from '../accounts/activation';
import { ApiError } from './api-error';
import type { ApiInstance } from './route-types';
import { emailField, tokenField } from '../../common/contract/fields';
import { errorCatalogue } from '../../common/contract/errors';

/**
 * The page behind the mailed link. Opening it changes nothing: mail scanners and link previews fetch
 * links, and must not use up the single-use token. The person clicks a button (a form POST), or opens
 * the link in the desktop app through the wem-account:// deep link.
 */

export type PageLocale = 'en' | 'nl';

const copy = {
  en: {
    title: 'Activate your WEM account',
    intro: 'One click and your WEM account is ready. Next, you will set up multi-factor authentication.',
    button: 'Activate my account',
    openApp: 'Open in the WEM Account app',
    continueInBrowser: 'Continue in the browser',
    signInInBrowser: 'Sign in in the browser',
    activated: 'Your account is active',
    activatedBody: 'Sign in with the WEM Account app to set up multi-factor authentication.',
    used: 'Your account is already active',
    usedBody: 'This link has been used. Sign in with your email address and password.',
    expired: 'This link has expired',
    expiredBody:
      'Activation links are valid for a limited time. Enter your email address for a new one. If that does not work, contact WEM Support.',
    invalid: 'This link does not work',
    invalidBody:
      'The link is incomplete or was replaced by a newer one. Use the link in the most recent mail, or ask for a new one.',
    email: 'Email address',
    resend: 'Send me a new link',
    resent: 'Check your mail',
    resentBody:
      'If this address has an account that still needs activating, a new link is on its way. Also look in your junk or spam folder.',
    busy: 'Too many requests',
    busyBody: 'Please wait a few minutes and try again.',
    choose: 'Choose your password',
    chooseBody:
      'More than one sign-up was made with this email address, so the password is chosen now, by you, the owner of this mailbox. Use at least 8 characters; a few unusual words work well.',
    password: 'New password',
    chooseButton: 'Activate with this password',
    weak: 'This password is too weak or too common. Choose another one.',
  },
  nl: {
    title: 'Activeer je WEM-account',
    intro: 'Eén klik en je WEM-account is klaar. Daarna stel je multifactorauthenticatie in.',
    button: 'Activeer mijn account',
    openApp: 'Open in de WEM Account-app',
    continueInBrowser: 'Verder in de browser',
    signInInBrowser: 'Inloggen in de browser',
    activated: 'Je account is actief',
    activatedBody: 'Log in met de WEM Account-app om multifactorauthenticatie in te stellen.',
    used: 'Je account is al actief',
    usedBody: 'Deze link is al gebruikt. Log in met je e-mailadres en wachtwoord.',
    expired: 'Deze link is verlopen',
    expiredBody:
      'Activatielinks zijn beperkt geldig. Vul je e-mailadres in voor een nieuwe. Lukt dat niet, neem dan contact op met WEM Support.',
    invalid: 'Deze link werkt niet',
    invalidBody:
      'De link is onvolledig of vervangen door een nieuwere. Gebruik de link uit de meest recente mail, of vraag een nieuwe aan.',
    email: 'E-mailadres',
    resend: 'Stuur me een nieuwe link',
    resent: 'Kijk in je mail',
    resentBody:
      'Als dit adres een account heeft dat nog geactiveerd moet worden, is er een nieuwe link onderweg. Kijk ook in je map met ongewenste mail.',
    busy: 'Te veel verzoeken',
    busyBody: 'Wacht een paar minuten en probeer het opnieuw.',
    choose: 'Kies je wachtwoord',
    chooseBody:
      'Er is meer dan één keer een account aangevraagd met dit e-mailadres. Daarom kies jij, de eigenaar van deze mailbox, nu het wachtwoord. Gebruik minstens 8 tekens; een paar ongewone woorden werken goed.',
    password: 'Nieuw wachtwoord',
    chooseButton: 'Activeer met dit wachtwoord',
    weak: 'Dit wachtwoord is te zwak of te gewoon. Kies een ander.',
  },
} satisfies Record<PageLocale, Record<string, string>>;
type Copy = (typeof copy)['en'];

export function pickLocale(request: FastifyRequest): PageLocale {
  const header = request.headers['accept-language'] ?? '';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('nl') ? 'nl' : 'en';
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const style = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f6fb;color:#111827;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;max-width:440px;margin:24px;padding:32px;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 12px}p{line-height:1.5}
button,.app{display:block;width:100%;box-sizing:border-box;padding:12px;border-radius:8px;font-size:1rem;text-align:center;margin-top:12px}
button{background:#1d4ed8;color:#fff;border:0;cursor:pointer}button:focus-visible,.app:focus-visible,input:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.app{border:1px solid #1d4ed8;color:#1d4ed8;text-decoration:none}
label{display:block;margin-top:12px;font-weight:600}input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #9ca3af;border-radius:8px;font-size:1rem;margin-top:4px}
@media (prefers-color-scheme:dark){body{background:#0b1220;color:#e5e7eb}main{background:#111827}.app{color:#93c5fd;border-color:#93c5fd}}`;

export function page(locale: PageLocale, heading: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(heading)} · WEM Account</title><style>${style}</style></head>
<body><main><h1>${escapeHtml(heading)}</h1>
${body}
</main></body></html>
`;
}

export function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return (
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      // The token is in the URL: no caching, no referrer, no framing, no scripts.
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      )
      .send(html)
  );
}

function signInLinkInBrowser(t: Copy): string {
  return `<a class="app" href="/portal/">${escapeHtml(t.signInInBrowser)}</a>`;
}

function resendForm(t: Copy): string {
  return `<form method="post" action="/activate/resend">
<label for="email">${escapeHtml(t.email)}</label><input id="email" name="email" type="email" autocomplete="email" required>
<button type="submit">${escapeHtml(t.resend)}</button></form>`;
}

// A person with a mangled link (token repeated, cut, wrapped) gets the "does not work" page, never a JSON
// error: anything that is not one string reads as an empty value, which the handlers refuse in HTML.
export const formValue = z.unknown().transform((value) => (typeof value === 'string' ? value : ''));
const tokenQuery = z.object({ token: formValue.optional() });
const tokenForm = z.object({ token: formValue.optional(), password: formValue.optional() });

function choosePasswordForm(t: Copy, token: string, problem?: string): string {
  return `<p>${escapeHtml(t.chooseBody)}</p>${problem ? `<p role="alert"><strong>${escapeHtml(problem)}</strong></p>` : ''}
<form method="post" action="/activate"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="password">${escapeHtml(t.password)}</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>
<button type="submit">${escapeHtml(t.chooseButton)}</button></form>`;
}
const emailForm = z.object({ email: formValue.optional() });

export function activationPage(app: ApiInstance, activation: ActivationService): void {
  app.get('/activate', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    const t = copy[pickLocale(request)];
    const token = request.query.token ?? '';
    if (!tokenField.safeParse(token).success) {
      return send(
        reply,
        400,
        page(pickLocale(request), t.invalid, `<p>${escapeHtml(t.invalidBody)}</p>${resendForm(t)}`),
      );
    }
    const deepLink = `wem-account://activate?token=${encodeURIComponent(token)}`;
    // The WEM Login Portal activates from the fragment, which the browser never sends to a server or
    // its logs; opening it, like opening this page, uses nothing until the page posts the token.
    const inBrowser = `/portal/#activate=${encodeURIComponent(token)}`;
    return send(
      reply,
      200,
      page(
        pickLocale(request),
        t.title,
        `<p>${escapeHtml(t.intro)}</p>
<form method="post" action="/activate"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">${escapeHtml(t.button)}</button></form>
<a class="app" href="${escapeHtml(deepLink)}">${escapeHtml(t.openApp)}</a>
<a class="app" href="${escapeHtml(inBrowser)}">${escapeHtml(t.continueInBrowser)}</a>`,
      ),
    );
  });

  app.post('/activate', { schema: { hide: true, body: tokenForm } }, async (request, reply) => {
    const locale = pickLocale(request);
    const t = copy[locale];
    const token = request.body.token ?? '';
    // An empty password field is "no password", so the contested answer asks for it again.
    const password = request.body.password || undefined;
    try {
      await activation.activate(token, password, request.ip);
      return send(
        reply,
        200,
        page(
          locale,
          t.activated,
          `<p>${escapeHtml(t.activatedBody)}</p><a class="app" href="wem-account://signin">${escapeHtml(t.openApp)}</a>${signInLinkInBrowser(t)}`,
        ),
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      switch (error.code) {
        case 'activation_used':
          return send(
            reply,
            409,
            page(
              locale,
              t.used,
              `<p>${escapeHtml(t.usedBody)}</p><a class="app" href="wem-account://signin">${escapeHtml(t.openApp)}</a>${signInLinkInBrowser(t)}`,
            ),
          );
        case 'activation_password_required':
          return send(reply, 409, page(locale, t.choose, choosePasswordForm(t, token)));
        case 'weak_password':
          return send(reply, 400, page(locale, t.choose, choosePasswordForm(t, token, t.weak)));
        case 'activation_expired':
          return send(
            reply,
            410,
            page(locale, t.expired, `<p>${escapeHtml(t.expiredBody)}</p>${resendForm(t)}`),
          );
        default:
          return send(
            reply,
            400,
            page(locale, t.invalid, `<p>${escapeHtml(t.invalidBody)}</p>${resendForm(t)}`),
          );
      }
    }
  });

  app.post('/activate/resend', { schema: { hide: true, body: emailForm } }, async (request, reply) => {
    const locale = pickLocale(request);
    const t = copy[locale];
    // The same rules as the JSON API: a NUL or bidi override is refused here, not by the database.
    const email = emailField.safeParse(request.body.email ?? '');
    if (!email.success) {
      return send(
        reply,
        400,
        page(locale, t.invalid, `<p>${escapeHtml(errorCatalogue.invalid_email.message)}</p>${resendForm(t)}`),
      );
    }
    try {
      await activation.resend(email.data, request.ip);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'rate_limited') {
        return send(reply, 429, page(locale, t.busy, `<p>${escapeHtml(t.busyBody)}</p>`));
      }
      if (!(error instanceof ApiError)) throw error;
    }
    return send(reply, 202, page(locale, t.resent, `<p>${escapeHtml(t.resentBody)}</p>`));
  });
}
