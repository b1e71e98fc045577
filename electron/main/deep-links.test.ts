import { describe, expect, it, vi } from 'vitest';

const fake = await vi.hoisted(async () => (await import('../../test/helpers/fake-electron')).fakeElectron());
vi.mock('electron', () => fake);

const { preventableEvent } = await import('../../test/helpers/fake-electron');
const { deepLinkFromArgv, listenForDeepLinks, parseDeepLink } = await import('./deep-links');

const token = 'AbCdEfGhIjKlMnOp.0123456789abcdefghijklmnopqrstuvwxyzABCDE_-';

describe('wem-account:// links', () => {
  it('turns an activation link from the mail into an activation for the page', () => {
    expect(parseDeepLink(`wem-account://activate?token=${token}`)).toEqual({ kind: 'activate', token });
  });

  it('turns reset-password and confirm-email links from the mail into their own kinds', () => {
    expect(parseDeepLink(`wem-account://reset-password?token=${token}`)).toEqual({
      kind: 'reset-password',
      token,
    });
    expect(parseDeepLink(`wem-account://confirm-email/?token=${token}`)).toEqual({
      kind: 'confirm-email',
      token,
    });
  });

  it('accepts the trailing slash some systems add', () => {
    expect(parseDeepLink(`wem-account://activate/?token=${token}`)).toEqual({ kind: 'activate', token });
  });

  it.each([
    ['another action', `wem-account://signin?token=${token}`],
    ['a look-alike action', `wem-account://reset-passwords?token=${token}`],
    ['a path under reset-password', `wem-account://reset-password/x?token=${token}`],
    ['a path under activate', `wem-account://activate/extra?token=${token}`],
    ['another scheme', `https://activate?token=${token}`],
    ['a look-alike scheme', `wem-account-evil://activate?token=${token}`],
    ['no token', 'wem-account://activate'],
    ['an empty token', 'wem-account://activate?token='],
    ['a token of the wrong shape', 'wem-account://activate?token=abc.def'],
    ['a token with markup', `wem-account://activate?token=${token.slice(0, -1)}<`],
    ['two tokens', `wem-account://activate?token=${token}&token=${token}`],
    ['other parameters', `wem-account://activate?token=${token}&next=https://evil.example`],
    ['a fragment', `wem-account://activate?token=${token}#x`],
    ['credentials', `wem-account://user:pw@activate?token=${token}`],
    ['a port', `wem-account://activate:80?token=${token}`],
    ['a very long link', `wem-account://activate?token=${token}&pad=${'a'.repeat(500)}`],
    ['not a URL', 'activate?token=x'],
  ])('ignores a link with %s', (_name, link) => {
    expect(parseDeepLink(link)).toBeUndefined();
  });

  it('finds the link among the arguments a second instance was started with', () => {
    const argv = ['/opt/WEM Account/wem-account', '--no-sandbox', `wem-account://activate?token=${token}`];
    expect(deepLinkFromArgv(argv)).toEqual({ kind: 'activate', token });
  });

  it('finds nothing in ordinary arguments or a bad link', () => {
    expect(deepLinkFromArgv(['/usr/bin/wem-account', '--flag'])).toBeUndefined();
    expect(deepLinkFromArgv(['/usr/bin/wem-account', 'wem-account://activate?token=nope'])).toBeUndefined();
  });

  it('passes on a valid link opened on macOS and drops an invalid one', () => {
    const links: unknown[] = [];
    listenForDeepLinks((link) => links.push(link));
    const valid = preventableEvent();
    fake.app.emit('open-url', valid, `wem-account://activate?token=${token}`);
    const invalid = preventableEvent();
    fake.app.emit('open-url', invalid, 'wem-account://activate?token=../../etc');
    expect(links).toEqual([{ kind: 'activate', token }]);
    expect([valid.defaultPrevented, invalid.defaultPrevented]).toEqual([true, true]);
  });
});
