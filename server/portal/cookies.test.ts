import { describe, expect, it } from 'vitest';
import { cookiesOf, portalCookieNames, serializeCookie } from './cookies';

describe('the portal cookies (docs/security.md 49)', () => {
  it('carry the __Host- prefix on an https address and none on plain http', () => {
    expect(portalCookieNames('https://account.wem.example')).toMatchObject({
      session: '__Host-wem_portal',
      trusted: '__Host-wem_trusted',
      login: '__Host-wem_login',
    });
    expect(portalCookieNames('http://127.0.0.1:4300').session).toBe('wem_portal');
  });

  it('are HttpOnly, SameSite=Lax and Path=/, Secure when asked, and end with the browser without a Max-Age', () => {
    const session = serializeCookie('__Host-wem_portal', 'abc.def', { secure: true });
    expect(session.split('; ').sort()).toEqual(
      ['__Host-wem_portal=abc.def', 'HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure'].sort(),
    );
    const trusted = serializeCookie('wem_trusted', 't', { secure: false, maxAge: 604_800 });
    expect(trusted).toContain('Max-Age=604800');
    expect(trusted).not.toContain('Secure');
  });

  it('reads the first of a repeated name and skips what is not percent-encoding', () => {
    expect(cookiesOf('a=1; b=%E0%A4%A; a=2; c=x%20y')).toEqual(
      new Map([
        ['a', '1'],
        ['c', 'x y'],
      ]),
    );
  });
});
