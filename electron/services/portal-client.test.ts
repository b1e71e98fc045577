import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningApi } from '../../test/helpers/desktop';
import type { TestApi } from '../../test/helpers/harness';
import { uniqueEmail } from '../../test/helpers/harness';
import { desktopEndpointNames, endpoints, type DesktopEndpointName } from '../../common/contract/endpoints';
import { checkServerUrl, PortalClient } from './portal-client';

/** A stand-in for something that is not the account API: answers every request with `answer`. */
async function fakeServer(answer: (response: http.ServerResponse, request: http.IncomingMessage) => void) {
  const server = http.createServer((request, response) => answer(response, request));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('server address check (docs/security.md 26)', () => {
  it('refuses plain http to another computer', () => {
    for (const url of [
      'http://example.com',
      'http://10.0.0.5:4300',
      'http://127.example.com',
      'ftp://example.com',
    ])
      expect(() => checkServerUrl(url), url).toThrow(
        expect.objectContaining({ code: 'insecure_server_url' }),
      );
  });

  it('accepts https anywhere and plain http on this computer only', () => {
    expect(checkServerUrl('https://example.com')).toBe('https://example.com');
    expect(checkServerUrl('http://127.0.0.1:4300')).toBe('http://127.0.0.1:4300');
    expect(checkServerUrl('http://localhost:4300/')).toBe('http://localhost:4300');
    expect(checkServerUrl('http://[::1]:4300')).toBe('http://[::1]:4300');
    expect(checkServerUrl(' HTTPS://Accounts.Example.COM/api/ ')).toBe('https://accounts.example.com/api');
  });

  it('refuses an address that is not a plain server address', () => {
    for (const url of ['not a url', 'https://user:pw@example.com', 'https://example.com/?x=1'])
      expect(() => checkServerUrl(url), url).toThrow(
        expect.objectContaining({ code: 'insecure_server_url' }),
      );
  });

  it('will not build a client for an insecure address', () => {
    expect(() => new PortalClient({ serverUrl: 'http://example.com' })).toThrow(
      expect.objectContaining({ code: 'insecure_server_url' }),
    );
  });
});

describe('portal client against a real account API', () => {
  let api: TestApi & { url: string };
  beforeAll(async () => {
    api = await listeningApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('returns parsed answers of the API', async () => {
    const client = new PortalClient({ serverUrl: api.url });
    expect(await client.resendActivation(uniqueEmail())).toEqual({ status: 'activation_sent' });
  });

  it('turns an API refusal into its error code with the details', async () => {
    const client = new PortalClient({ serverUrl: api.url });
    const weak = client.signup({
      firstName: 'Jane',
      lastName: 'Doe',
      email: uniqueEmail(),
      password: 'password',
      acceptTerms: true,
    });
    await expect(weak).rejects.toMatchObject({
      code: 'weak_password',
      details: { reasons: expect.any(Array) },
    });
    const invalid = client.signup({
      firstName: '',
      lastName: 'Doe',
      email: 'nope',
      password: 'x',
      acceptTerms: true,
    });
    await expect(invalid).rejects.toMatchObject({
      code: 'validation_failed',
      details: { fields: expect.objectContaining({ email: expect.any(String) }) },
    });
    await expect(client.activate('no-such-token')).rejects.toMatchObject({ code: 'activation_invalid' });
    await expect(client.me('A'.repeat(16) + '.' + 'B'.repeat(43))).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('refuses a wrong password without saying whether the account exists', async () => {
    const account = await api.activeAccount();
    const client = new PortalClient({ serverUrl: api.url });
    await expect(
      client.login({ email: account.email, password: 'wrong-password-here' }),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(
      client.login({ email: uniqueEmail(), password: 'wrong-password-here' }),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
  });
});

describe('portal client when the server is not there or not right', () => {
  it('says offline when the API is stopped and reports the change once', async () => {
    const api = await listeningApi();
    const changes: boolean[] = [];
    const client = new PortalClient({ serverUrl: api.url, onConnectivity: (online) => changes.push(online) });
    expect(await client.resendActivation(uniqueEmail())).toEqual({ status: 'activation_sent' });
    expect(changes).toEqual([]);
    await api.api.app.close();
    await expect(client.resendActivation(uniqueEmail())).rejects.toMatchObject({ code: 'offline' });
    await expect(client.resendActivation(uniqueEmail())).rejects.toMatchObject({ code: 'offline' });
    expect(client.online).toBe(false);
    expect(changes).toEqual([false]);
    await api.close();
  });

  it('reports a recovered server as online again', async () => {
    let up = false;
    const server = await fakeServer((response) => {
      if (!up) {
        response.socket?.destroy();
        return;
      }
      response.writeHead(202, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'activation_sent' }));
    });
    const changes: boolean[] = [];
    const client = new PortalClient({
      serverUrl: server.url,
      onConnectivity: (online) => changes.push(online),
    });
    await expect(client.resendActivation(uniqueEmail())).rejects.toMatchObject({ code: 'offline' });
    up = true;
    await expect(client.resendActivation(uniqueEmail())).resolves.toEqual({ status: 'activation_sent' });
    expect(changes).toEqual([false, true]);
    await server.close();
  });

  it('says offline when the server does not answer in time', async () => {
    const server = await fakeServer(() => {
      // Never answers.
    });
    const client = new PortalClient({ serverUrl: server.url, timeoutMs: 200 });
    await expect(client.resendActivation(uniqueEmail())).rejects.toMatchObject({ code: 'offline' });
    await server.close();
  });

  it('says server_error for a 5xx without the API error body or an answer that breaks the contract', async () => {
    const crashing = await fakeServer((response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<h1>Bad gateway</h1>');
    });
    await expect(
      new PortalClient({ serverUrl: crashing.url }).resendActivation(uniqueEmail()),
    ).rejects.toMatchObject({
      code: 'server_error',
    });
    await crashing.close();

    const lying = await fakeServer((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'something else' }));
    });
    await expect(
      new PortalClient({ serverUrl: lying.url }).resendActivation(uniqueEmail()),
    ).rejects.toMatchObject({
      code: 'server_error',
    });
    await lying.close();
  });

  it('does not follow a redirect away from the server', async () => {
    const redirecting = await fakeServer((response) => {
      response.writeHead(307, { location: 'http://example.com/v1/activation/resend' });
      response.end();
    });
    await expect(
      new PortalClient({ serverUrl: redirecting.url }).resendActivation(uniqueEmail()),
    ).rejects.toMatchObject({ code: 'server_error' });
    await redirecting.close();
  });
});

describe('portal client and the endpoint catalogue', () => {
  const token = 'A'.repeat(16) + '.' + 'B'.repeat(43);
  // Typed by the catalogue: an endpoint marked for the desktop without a call here does not compile.
  const calls: Record<DesktopEndpointName, (client: PortalClient) => Promise<unknown>> = {
    info: (c) => c.info(),
    signup: (c) =>
      c.signup({ firstName: 'J', lastName: 'D', email: 'j@example.net', password: 'x', acceptTerms: true }),
    activate: (c) => c.activate('t'),
    resendActivation: (c) => c.resendActivation('j@example.net'),
    login: (c) => c.login({ email: 'j@example.net', password: 'x' }),
    challenge: (c) => c.challenge('login/1 ?', 'f1'),
    verifyLogin: (c) => c.verifyLogin('login1', { factorId: 'f1', code: '123456' }),
    requestMfaReset: (c) => c.requestMfaReset('login1', 'I lost my phone'),
    logout: (c) => c.logout(token),
    me: (c) => c.me(token),
    stepUp: (c) => c.stepUp(token, 'f1'),
    verifyStepUp: (c) => c.verifyStepUp(token, 'f1', '123456'),
    addFactor: (c) => c.addFactor(token, { type: 'totp' }),
    verifyFactor: (c) => c.verifyFactor(token, 'f1', '123456'),
    resendFactor: (c) => c.resendFactor(token, 'f1'),
    removeFactor: (c) => c.removeFactor(token, 'f1'),
    devices: (c) => c.devices(token),
    revokeDevice: (c) => c.revokeDevice(token, 'd1'),
    revokeAllDevices: (c) => c.revokeAllDevices(token),
    requestPasswordReset: (c) => c.requestPasswordReset('j@example.net'),
    verifyPasswordReset: (c) => c.verifyPasswordReset('t'),
    passwordResetChallenge: (c) => c.passwordResetChallenge('reset1', 'f1'),
    passwordResetVerifyFactor: (c) => c.passwordResetVerifyFactor('reset1', 'f1', '123456'),
    completePasswordReset: (c) => c.completePasswordReset('reset1', 'x'),
    changePassword: (c) => c.changePassword(token, 'x', 'y'),
    updateMe: (c) => c.updateMe(token, { firstName: 'Jane' }),
    changeEmail: (c) => c.changeEmail(token, 'new@example.net', 'x'),
    confirmEmailChange: (c) => c.confirmEmailChange('t'),
    deleteAccount: (c) => c.deleteAccount(token, 'x'),
    apps: (c) => c.apps(token),
    handoff: (c) => c.handoff(token, 'wem-modeler'),
  };

  it('calls every endpoint marked for the desktop with its method and path', async () => {
    const seen: string[] = [];
    const server = await fakeServer((response, request) => {
      seen.push(`${request.method} ${request.url}`);
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('recorded');
    });
    const client = new PortalClient({ serverUrl: server.url });
    expect(Object.keys(calls).sort()).toEqual([...desktopEndpointNames].sort());
    for (const name of desktopEndpointNames) {
      seen.length = 0;
      await expect(calls[name](client), name).rejects.toMatchObject({ code: 'server_error' });
      const { method, path } = endpoints[name];
      const pattern = new RegExp(`^${method} ${path.replace(/:[A-Za-z0-9_]+/g, '[^/?]+')}$`);
      expect(seen, name).toEqual([expect.stringMatching(pattern)]);
    }
    await server.close();
  });

  it('URL-encodes path values', async () => {
    const seen: string[] = [];
    const server = await fakeServer((response, request) => {
      seen.push(request.url ?? '');
      response.writeHead(500);
      response.end();
    });
    await expect(new PortalClient({ serverUrl: server.url }).challenge('login/1 ?', 'f1')).rejects.toThrow();
    expect(seen).toEqual(['/v1/login/login%2F1%20%3F/challenge']);
    await server.close();
  });
});
