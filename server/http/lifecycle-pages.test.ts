import { expect, it } from 'vitest';
import { postForm } from '../../test/helpers/accounts';
import { forEachDialect, uniqueEmail, type TestApi } from '../../test/helpers/harness';
import { linkTokenTo, resetToken, startReset } from '../../test/helpers/lifecycle';
import { login } from '../../test/helpers/login';
import { accountWithTotp, bearer } from '../../test/helpers/mfa';

function expectPrivatePage(response: Awaited<ReturnType<TestApi['request']>>): void {
  expect(response.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  const csp = String(response.headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toMatch(/script-src/);
}

/** Every href of the page, entities decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map(([, href]) =>
    href!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
  );
}

async function emailChangeToken(
  t: TestApi,
): Promise<{ token: string; newEmail: string; email: string; password: string }> {
  const account = await accountWithTotp(t);
  const newEmail = uniqueEmail('moved');
  await t.request('POST', '/v1/me/email', { newEmail, password: account.password }, bearer(account.token));
  return { ...account, newEmail, token: await linkTokenTo(t, newEmail, 'confirm-email') };
}

forEachDialect('lifecycle pages', (t) => {
  it('opens the reset page without using the link, with the app and portal links', async () => {
    const account = await t().activeAccount();
    const token = await resetToken(t(), account.email);
    const page = await t().request('GET', `/reset-password?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expectPrivatePage(page);
    expect(page.body).toContain('Choose a new password');
    expect(hrefs(page.body)).toEqual([
      `wem-account://reset-password?token=${encodeURIComponent(token)}`,
      `/portal/#reset-password=${encodeURIComponent(token)}`,
    ]);
    expect(page.body).not.toContain('<script');
    // Scanners fetch it as often as they like: the link still starts its factor step.
    await t().request('GET', `/reset-password?token=${encodeURIComponent(token)}`);
    expect((await startReset(t(), token)).status).toBe(200);
  });

  it('speaks Dutch to a Dutch browser and refuses a mangled token in words', async () => {
    const dutch = await t().request(
      'GET',
      `/reset-password?token=${'A'.repeat(16)}.${'B'.repeat(43)}`,
      undefined,
      {
        'accept-language': 'nl-NL,nl;q=0.9',
      },
    );
    expect(dutch.body).toContain('Kies een nieuw wachtwoord');
    const mangled = await t().request('GET', '/reset-password?token=%3Cscript%3E');
    expect(mangled.status).toBe(400);
    expect(mangled.body).toContain('This link does not work');
    expect(mangled.body).not.toContain('<script>');
  });

  it('confirms a new address with the button of the page, not by opening it', async () => {
    const change = await emailChangeToken(t());
    const page = await t().request('GET', `/confirm-email?token=${encodeURIComponent(change.token)}`);
    expect(page.status).toBe(200);
    expectPrivatePage(page);
    expect(hrefs(page.body)).toEqual([
      `wem-account://confirm-email?token=${encodeURIComponent(change.token)}`,
      `/portal/#confirm-email=${encodeURIComponent(change.token)}`,
    ]);
    expect((await login(t(), change.email, change.password)).status).toBe(200);

    const confirmed = await postForm(t(), '/confirm-email', { token: change.token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toContain('Your email address was changed');
    expect((await login(t(), change.newEmail, change.password)).status).toBe(200);
    const again = await postForm(t(), '/confirm-email', { token: change.token });
    expect(again.status).toBe(409);
    expect(again.body).toContain('This address is already confirmed');
  });

  it('answers a forged confirmation with the does-not-work page', async () => {
    const forged = await postForm(t(), '/confirm-email', { token: `${'A'.repeat(16)}.${'B'.repeat(43)}` });
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('This link does not work');
  });
});
