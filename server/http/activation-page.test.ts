import { expect, it } from 'vitest';
import { latestActivationToken, postForm, signupWithToken } from '../../test/helpers/accounts';
import { forEachDialect, type TestApi } from '../../test/helpers/harness';

const hour = 3_600_000;

function openPage(t: TestApi, token: string, headers: Record<string, string> = {}) {
  return t.request('GET', `/activate?token=${encodeURIComponent(token)}`, undefined, headers);
}

async function isActive(t: TestApi, email: string): Promise<boolean> {
  const row = await t.db
    .selectFrom('accounts')
    .select('activated_at')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.activated_at !== null;
}

/** The attribute values of the first tag matching `tag`, e.g. `<form …>`, so tests read markup, not layout. */
function attributesOf(html: string, tag: RegExp): Record<string, string> {
  const match = tag.exec(html);
  if (!match) throw new Error(`no ${tag} in the page:\n${html}`);
  return Object.fromEntries([...match[0].matchAll(/([a-z-]+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]));
}

function expectPrivatePage(response: Awaited<ReturnType<TestApi['request']>>): void {
  expect(response.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  const csp = String(response.headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/script-src/);
}

forEachDialect('activation page', (t) => {
  it('shows a page with a button that POSTs the token and an "Open in the app" deep link', async () => {
    const { token } = await signupWithToken(t());
    const response = await openPage(t(), token);
    expect(response.status).toBe(200);
    expectPrivatePage(response);

    const html = String(response.body);
    expect(attributesOf(html, /<form[^>]*>/)).toMatchObject({ method: 'post', action: '/activate' });
    expect(attributesOf(html, /<input[^>]*name="token"[^>]*>/)).toMatchObject({
      type: 'hidden',
      value: token,
    });
    expect(html).toMatch(/<button type="submit">Activate my account<\/button>/);
    expect(attributesOf(html, /<a [^>]*href="wem-account:[^>]*>/).href).toBe(
      `wem-account://activate?token=${encodeURIComponent(token)}`,
    );
  });

  it('offers to continue in the WEM Login Portal with the token in the fragment only', async () => {
    const { token } = await signupWithToken(t());
    const html = String((await openPage(t(), token)).body);
    const link = attributesOf(html, /<a [^>]*href="\/portal\/[^>]*>/).href ?? '';
    expect(link).toBe(`/portal/#activate=${encodeURIComponent(token)}`);
    // Nothing of the token before the fragment: a browser never sends the fragment to a server.
    expect(link.split('#')[0]).toBe('/portal/');
    expect(html).toContain('Continue in the browser');
    const dutch = String((await openPage(t(), token, { 'accept-language': 'nl-NL' })).body);
    expect(dutch).toContain('Verder in de browser');
  });

  it('does not use up the token however often the page is fetched, as mail scanners do', async () => {
    const account = await signupWithToken(t());
    for (let i = 0; i < 5; i++) expect((await openPage(t(), account.token)).status).toBe(200);
    expect((await t().request('HEAD', `/activate?token=${account.token}`)).status).toBe(200);
    expect(await isActive(t(), account.email)).toBe(false);

    expect((await t().request('POST', '/v1/activation', { token: account.token })).status).toBe(200);
  });

  it('activates the account when the form is posted and says it is active', async () => {
    const account = await signupWithToken(t());
    const response = await postForm(t(), '/activate', { token: account.token });
    expect(response.status).toBe(200);
    expectPrivatePage(response);
    expect(String(response.body)).toContain('<h1>Your account is active</h1>');
    expect(await isActive(t(), account.email)).toBe(true);
  });

  it('says "already active" with a 409 page when the link was used', async () => {
    const { token } = await signupWithToken(t());
    await postForm(t(), '/activate', { token });
    const again = await postForm(t(), '/activate', { token });
    expect(again.status).toBe(409);
    expectPrivatePage(again);
    expect(String(again.body)).toContain('<h1>Your account is already active</h1>');
  });

  it('shows a 410 page for an expired link whose form mails a new link that works', async () => {
    const account = await signupWithToken(t());
    t().clock.advance(48 * hour + 1_000);
    const expired = await postForm(t(), '/activate', { token: account.token });
    expect(expired.status).toBe(410);
    expectPrivatePage(expired);
    const html = String(expired.body);
    expect(html).toContain('<h1>This link has expired</h1>');
    expect(attributesOf(html, /<form[^>]*>/)).toMatchObject({ method: 'post', action: '/activate/resend' });
    expect(attributesOf(html, /<input[^>]*>/)).toMatchObject({ name: 'email', type: 'email' });

    const resent = await postForm(t(), '/activate/resend', { email: account.email });
    expect(resent.status).toBe(202);
    expect(String(resent.body)).toContain('<h1>Check your mail</h1>');
    const newToken = await latestActivationToken(t(), account.email);
    expect(newToken).not.toBe(account.token);
    expect((await postForm(t(), '/activate', { token: newToken })).status).toBe(200);
  });

  it('answers the resend form the same for an unknown address, and sends nothing', async () => {
    const account = await signupWithToken(t());
    const known = await postForm(t(), '/activate/resend', { email: account.email });
    const unknown = await postForm(t(), '/activate/resend', { email: 'nobody@example.net' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toBe(known.body);
    expect(await t().mailsTo('nobody@example.net')).toEqual([]);
  });

  it('shows a 400 page offering a new link for a forged or superseded token', async () => {
    const account = await signupWithToken(t());
    await t().request('POST', '/v1/activation/resend', { email: account.email });

    for (const token of [account.token, `${account.token.split('.')[0]}.${'A'.repeat(43)}`, 'forged']) {
      const response = await postForm(t(), '/activate', { token });
      expect(response.status, token).toBe(400);
      expect(String(response.body), token).toContain('<h1>This link does not work</h1>');
      expect(String(response.body), token).toContain('action="/activate/resend"');
    }
    expect(await isActive(t(), account.email)).toBe(false);
  });

  it('shows the "does not work" page, not a JSON error, for a missing, repeated or over-long token', async () => {
    const { token } = await signupWithToken(t());
    for (const url of [
      '/activate',
      `/activate?token=${token}&token=${token}`,
      `/activate?token=${'A'.repeat(500)}`,
    ]) {
      const response = await t().request('GET', url);
      expect(response.status, url).toBe(400);
      expectPrivatePage(response);
      expect(String(response.body), url).toContain('<h1>This link does not work</h1>');
    }
    const repeated = await t().request('POST', '/activate', `token=${token}&token=${token}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(repeated.status).toBe(400);
    expect(String(repeated.body)).toContain('<h1>This link does not work</h1>');
  });

  it('speaks Dutch to a browser that prefers Dutch, and English otherwise', async () => {
    const { token } = await signupWithToken(t());
    const dutch = { 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.8' };

    const page = String((await openPage(t(), token, dutch)).body);
    expect(page).toContain('<html lang="nl">');
    expect(page).toContain('<h1>Activeer je WEM-account</h1>');
    expect(page).toContain('Activeer mijn account');

    const english = String((await openPage(t(), token, { 'accept-language': 'en-GB,nl;q=0.5' })).body);
    expect(english).toContain('<html lang="en">');

    const done = await postForm(t(), '/activate', { token }, dutch);
    expect(String(done.body)).toContain('<h1>Je account is actief</h1>');
    const used = await postForm(t(), '/activate', { token }, dutch);
    expect(String(used.body)).toContain('<h1>Je account is al actief</h1>');
  });

  it('never reflects markup or script from the token into the page', async () => {
    const { token } = await signupWithToken(t());
    const attacks = [
      '<script>alert(1)</script>',
      `${token}"><script>alert(1)</script>`,
      `${token}' onmouseover='alert(1)`,
      `${token}" onmouseover="alert(1)`,
      '"><img src=x onerror=alert(1)>',
      'javascript:alert(1)',
    ];
    for (const attack of attacks) {
      for (const response of [
        await openPage(t(), attack),
        await postForm(t(), '/activate', { token: attack }),
      ]) {
        // Escaping or refusing are both fine; what must never appear is markup the attacker wrote.
        expect([200, 400], attack).toContain(response.status);
        expectPrivatePage(response);
        const html = String(response.body);
        const outsideAttributeValues = html.replace(/"[^"]*"/g, '""');
        expect(html, attack).not.toMatch(/<script|<img/i);
        expect(outsideAttributeValues, attack).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
        expect(html, attack).not.toMatch(/(href|src|action)="\s*javascript:/i);
      }
    }
  });
});
