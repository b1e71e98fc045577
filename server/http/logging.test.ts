import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging';

describe('the request log line', () => {
  it('never carries a hand-off ticket, an ID token hint or a login id (docs/security.md 51)', () => {
    const ticket = redactUrl('/portal/handoff?client=wem-modeler&ticket=AAAAAAAAAAAAAAAA.BBBB');
    expect(ticket).toBe('/portal/handoff?client=wem-modeler&ticket=[redacted]');
    const hint = redactUrl(
      '/oidc/session/end?id_token_hint=eyJ.x.y&post_logout_redirect_uri=https://a.test/',
    );
    expect(hint).toBe('/oidc/session/end?id_token_hint=[redacted]&post_logout_redirect_uri=https://a.test/');
    expect(redactUrl('/v1/login/L1/verify')).toBe('/v1/login/[redacted]/verify');
  });
});
