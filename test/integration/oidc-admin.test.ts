import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCliTimeoutMs, runAdminCli } from '../helpers/admin-cli';
import { startTestApi, type TestApi } from '../helpers/harness';
import { secondInstance } from '../helpers/login';
import { accountWithTotp } from '../helpers/mfa';
import { authorizationRequest, PortalBrowser, relyingParty } from '../helpers/portal-browser';
import { authorizeThroughPortal, exchange } from '../helpers/portal-sign-in';

// `npm run admin -- client …` and `… oidc rotate-keys` (docs/api.md "Login portal"): the real CLI process
// against a running API's SQLite database; the API must see its changes without a restart.

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi('sqlite');
  api.clock.set(Date.now());
});
afterAll(async () => {
  await api.close();
});

const cliTimeoutMs = adminCliTimeoutMs * 2;

describe('the client and key commands', () => {
  it(
    'registers a confidential client that a running API serves at once, shows its secret once, and removes it',
    async () => {
      const added = await runAdminCli(api, [
        'client',
        'add',
        '--id',
        'reports',
        '--name',
        'Reports',
        '--redirect-uri',
        'https://reports.example.test/callback',
      ]);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      const client = JSON.parse(added.stdout);
      expect(client).toMatchObject({ clientId: 'reports', public: false, firstParty: false });
      expect(client.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stored = await api.db.selectFrom('oidc_clients').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(client.clientSecret);
      const listed = await runAdminCli(api, ['client', 'list']);
      expect(listed.stdout).toContain('"reports"');
      expect(listed.stdout).not.toContain(client.clientSecret);

      // The running API (started before the command) signs users in for it.
      const account = await accountWithTotp(api);
      const config = await relyingParty(api, { id: 'reports', secret: client.clientSecret });
      const browser = new PortalBrowser(api.api, api.config.publicUrl);
      const request = await authorizationRequest(
        config,
        { scope: 'openid email offline_access', prompt: 'login consent' },
        'https://reports.example.test/callback',
      );
      const callback = await authorizeThroughPortal(api, browser, request, account);
      const consent = new URL(callback).searchParams.get('interaction');
      // A third-party client: the consent screen, approved.
      const approved = await browser.send('POST', `/portal/interaction/${consent}/consent`, {
        body: JSON.stringify({ approve: true }),
        headers: { 'content-type': 'application/json', 'x-wem-portal': '1', origin: browser.origin },
      });
      const landed = await browser.visit(JSON.parse(approved.body).redirectTo);
      const tokens = await exchange(config, new URL(landed.url), request);
      expect(tokens.claims()?.sub).toBeDefined();
      // The secret in the body (client_secret_post) does as well as in the header.
      const viaPost = await relyingParty(api, {
        id: 'reports',
        secret: client.clientSecret,
        secretInBody: true,
      });
      await expect(oidc.refreshTokenGrant(viaPost, tokens.refresh_token!)).resolves.toMatchObject({
        access_token: expect.any(String),
      });
      // A wrong secret is refused.
      const impostor = await relyingParty(api, { id: 'reports', secret: 'x'.repeat(43) });
      await expect(oidc.refreshTokenGrant(impostor, 'anything')).rejects.toMatchObject({
        cause: [{ parameters: { error: 'invalid_client' } }],
      });

      const removed = await runAdminCli(api, ['client', 'remove', 'reports']);
      expect(removed.code).toBe(0);
      const after = await browser.send('GET', request.url.href);
      expect(after.status).toBe(400);
      expect(after.location).toBeUndefined();
    },
    cliTimeoutMs * 3,
  );

  it(
    'refuses a redirect URI that is not https (or http on this computer) and an unnamed client',
    async () => {
      const plain = await runAdminCli(api, [
        'client',
        'add',
        '--id',
        'plain',
        '--name',
        'Plain',
        '--redirect-uri',
        'http://plain.example.test/callback',
      ]);
      expect(plain.code).toBe(64);
      expect(plain.stderr).toContain('https');
      const unnamed = await runAdminCli(api, [
        'client',
        'add',
        '--id',
        'x',
        '--redirect-uri',
        'https://x.test/',
      ]);
      expect(unnamed.code).toBe(64);
    },
    cliTimeoutMs * 2,
  );

  it(
    'rotates the signing keys: new keys sign after a restart, the old ones stay published',
    async () => {
      const jwks = async (instance: { api: TestApi['api'] }) => {
        const answer = await instance.api.app.inject({ method: 'GET', url: '/oidc/jwks' });
        return (JSON.parse(answer.body) as { keys: { kid: string; alg: string; d?: string }[] }).keys;
      };
      const before = await jwks(api);
      expect(before.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
      // Public keys only.
      expect(before.every((key) => key.d === undefined)).toBe(true);
      const rotated = await runAdminCli(api, ['oidc', 'rotate-keys']);
      expect(rotated.code).toBe(0);
      // A restarted instance publishes both generations and signs with the new one.
      const restarted = await secondInstance(api);
      try {
        const after = await jwks(restarted);
        expect(after).toHaveLength(4);
        for (const key of before) expect(after.map((k) => k.kid)).toContain(key.kid);
        const newRs256 = after.find(
          (key) => key.alg === 'RS256' && !before.some((old) => old.kid === key.kid),
        );
        const account = await accountWithTotp(api);
        await api.api.clients.add({
          id: 'after-rotation',
          name: 'After rotation',
          redirectUris: ['https://modeler.example.test/callback'],
          postLogoutRedirectUris: [],
          public: true,
          firstParty: true,
          backchannelLogoutUri: undefined,
          launchUrl: undefined,
        });
        const config = await relyingParty(api, { id: 'after-rotation' }, () => restarted.api);
        const browser = new PortalBrowser(restarted.api, api.config.publicUrl);
        const request = await authorizationRequest(config);
        const callback = await authorizeThroughPortal(api, browser, request, account);
        const tokens = await exchange(config, callback, request);
        const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString());
        expect(header.kid).toBe(newRs256?.kid);
      } finally {
        await restarted.close();
      }
    },
    cliTimeoutMs * 2,
  );
});
