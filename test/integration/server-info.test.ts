import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/harness';

/**
 * GET /v1/info says what clients tell their users in this server's words (docs/api.md): the app's
 * "Activation links work for …" and its support address follow the server's configuration.
 */
describe('GET /v1/info', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('answers the configured activation link lifetime and support address, without a session', async () => {
    api = await startTestApi('sqlite', {
      env: { ACTIVATION_LINK_TTL: '36h', SUPPORT_EMAIL: 'help@example.org' },
    });
    const answer = await api.request('GET', '/v1/info');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ activationLinkValidSeconds: 36 * 3600, supportEmail: 'help@example.org' });
  });

  it('answers the defaults when nothing is configured', async () => {
    api = await startTestApi('sqlite');
    expect((await api.request('GET', '/v1/info')).body).toEqual({
      activationLinkValidSeconds: 48 * 3600,
      supportEmail: 'support@wem.io',
    });
  });
});
