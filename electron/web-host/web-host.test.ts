import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fakeRouter, type FakeRouter } from '../../test/helpers/fake-router';
import { ipcSubprotocol, maxMessageBytes, startWebHost, type WebHost } from './web-host';

const indexHtml =
  '<!doctype html><title>WEM Account</title><script type="module" src="/assets/app.js"></script>';
const outsideSecret = 'this file sits next to the renderer and must never be served';

let root: string;
let rendererDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'web-host-'));
  rendererDir = path.join(root, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), indexHtml);
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(path.join(root, 'secret.txt'), outsideSecret);
  await symlink(path.join(root, 'secret.txt'), path.join(rendererDir, 'assets', 'linked.txt'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const open: WebHost[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((host) => host.close()));
});

async function start(fake: FakeRouter = statusRouter()): Promise<WebHost> {
  const host = await startWebHost({ router: fake.router, rendererDir });
  open.push(host);
  return host;
}

function statusRouter(): FakeRouter {
  return fakeRouter({
    'app.status': async () => ({
      version: '0.1.0',
      serverUrl: 'http://127.0.0.1:4300',
      online: true,
      signedIn: false,
      scope: null,
      email: null,
    }),
  });
}

function tokenOf(host: WebHost): string {
  return new URL(host.url).hash.replace(/^#token=/, '');
}

function origin(host: WebHost): string {
  return `http://127.0.0.1:${host.port}`;
}

/** A raw GET: the path goes out exactly as written, `..` and all. */
function get(
  host: WebHost,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

interface Attempt {
  token?: string | undefined;
  via?: 'protocol' | 'query';
  origin?: string | undefined;
  path?: string;
  host?: string;
}

/** Resolves with the connected socket, or with the HTTP status the host refused the upgrade with. */
function connect(host: WebHost, attempt: Attempt = {}): Promise<{ ws?: WebSocket; refusedWith?: number }> {
  const token = 'token' in attempt ? attempt.token : tokenOf(host);
  const query = attempt.via === 'query' && token ? `?token=${encodeURIComponent(token)}` : '';
  const protocols = attempt.via !== 'query' && token ? [ipcSubprotocol, token] : [ipcSubprotocol];
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${attempt.path ?? '/ipc'}${query}`, protocols, {
    ...('origin' in attempt
      ? attempt.origin === undefined
        ? {}
        : { origin: attempt.origin }
      : { origin: origin(host) }),
    ...(attempt.host ? { headers: { Host: attempt.host } } : {}),
  });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ refusedWith: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

async function connected(host: WebHost): Promise<WebSocket> {
  const { ws } = await connect(host);
  if (!ws) throw new Error('the host refused a page with the right token and origin');
  return ws;
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
}

describe('the web host serving the renderer', () => {
  it('gives a loopback URL carrying a fresh 256-bit token in the fragment each launch', async () => {
    const first = await start();
    const second = await start();
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(tokenOf(first)).not.toBe(tokenOf(second));
  });

  it('serves index.html with a strict Content-Security-Policy bound to its own port', async () => {
    const host = await start();
    const page = await get(host, '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe(indexHtml);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        `connect-src 'self' ws://127.0.0.1:${host.port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    expect(page.headers['x-content-type-options']).toBe('nosniff');

    const script = await get(host, '/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/linked.txt',
    '/%00/../secret.txt',
  ])('never serves a file outside the renderer directory (%s)', async (rawPath) => {
    const host = await start();
    const response = await get(host, rawPath);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(outsideSecret);
  });

  it('answers 404 for a file that is not there and 405 for anything but GET and HEAD', async () => {
    const host = await start();
    expect((await get(host, '/missing.js')).status).toBe(404);
    const post = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(post).toBe(405);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const host = await start();
    const response = await get(host, '/', { Host: `attacker.example:${host.port}` });
    expect(response.status).toBe(421);
    expect(response.body).not.toContain('WEM Account');
  });
});

describe('the web host IPC socket', () => {
  it('refuses an upgrade without the token', async () => {
    const fake = statusRouter();
    const host = await start(fake);
    expect(await connect(host, { token: undefined })).toEqual({ refusedWith: 401 });
    expect(fake.calls).toEqual([]);
  });

  it('refuses an upgrade with a wrong token, in the protocol header or the query', async () => {
    const host = await start();
    const other = await start();
    expect(await connect(host, { token: tokenOf(other) })).toEqual({ refusedWith: 401 });
    expect(await connect(host, { token: tokenOf(other), via: 'query' })).toEqual({ refusedWith: 401 });
    expect(await connect(host, { token: `${tokenOf(host)}x` })).toEqual({ refusedWith: 401 });
  });

  it('refuses the right token from a foreign origin or from no page at all', async () => {
    const host = await start();
    expect(await connect(host, { origin: 'http://evil.example' })).toEqual({ refusedWith: 403 });
    expect(await connect(host, { origin: `http://localhost:${host.port}` })).toEqual({ refusedWith: 403 });
    expect(await connect(host, { origin: 'null' })).toEqual({ refusedWith: 403 });
    expect(await connect(host, { origin: undefined })).toEqual({ refusedWith: 403 });
  });

  it('refuses the right token and origin under another Host header', async () => {
    const host = await start();
    expect(await connect(host, { host: `attacker.example:${host.port}` })).toEqual({ refusedWith: 403 });
  });

  it('refuses an upgrade on any path but /ipc', async () => {
    const host = await start();
    expect(await connect(host, { path: '/' })).toEqual({ refusedWith: 404 });
    expect(await connect(host, { path: '/ipc/extra' })).toEqual({ refusedWith: 404 });
  });

  it('dispatches a call to the router and answers with its id', async () => {
    const fake = fakeRouter({ 'login.start': async () => ({ state: 'mfa_enrollment_required' as const }) });
    const host = await start(fake);
    const ws = await connected(host);
    ws.send(
      JSON.stringify({
        id: 7,
        channel: 'login.start',
        payload: { email: 'jane@example.net', password: 'pw' },
      }),
    );
    expect(await nextMessage(ws)).toEqual({
      id: 7,
      result: { ok: true, value: { state: 'mfa_enrollment_required' } },
    });
    expect(fake.calls).toEqual([
      { channel: 'login.start', request: { email: 'jane@example.net', password: 'pw' } },
    ]);

    ws.send(JSON.stringify({ id: 'b', channel: 'me.get', payload: {} }));
    expect(await nextMessage(ws)).toMatchObject({
      id: 'b',
      result: { ok: false, error: { code: 'service_unavailable' } },
    });
    ws.close();
  });

  it('accepts the token as a query parameter too', async () => {
    const host = await start();
    const { ws } = await connect(host, { via: 'query' });
    if (!ws) throw new Error('refused');
    ws.send(JSON.stringify({ id: 1, channel: 'app.status', payload: {} }));
    expect(await nextMessage(ws)).toMatchObject({ id: 1, result: { ok: true, value: { online: true } } });
    ws.close();
  });

  it('pushes events to every connected page', async () => {
    const host = await start();
    const first = await connected(host);
    const second = await connected(host);
    const received = Promise.all([nextMessage(first), nextMessage(second)]);
    host.emit('connectivity', { online: false });
    expect(await received).toEqual([
      { event: 'connectivity', payload: { online: false } },
      { event: 'connectivity', payload: { online: false } },
    ]);
    first.close();
    second.close();
  });

  it('answers malformed frames with an error envelope and keeps serving', async () => {
    const fake = statusRouter();
    const host = await start(fake);
    const ws = await connected(host);
    const malformed: [string | Buffer, unknown][] = [
      ['not json', null],
      ['[1,2]', null],
      ['null', null],
      [JSON.stringify({ id: 3, payload: {} }), 3],
      [JSON.stringify({ id: { nested: true }, channel: 'app.status' }), null],
      [Buffer.from([0xde, 0xad]), null],
    ];
    for (const [frame, id] of malformed) {
      ws.send(frame);
      expect(await nextMessage(ws)).toEqual({
        id,
        result: { ok: false, error: { code: 'invalid_request', message: expect.any(String) } },
      });
    }
    ws.send(JSON.stringify({ id: 4, channel: 'no.such.channel', payload: {} }));
    expect(await nextMessage(ws)).toMatchObject({
      id: 4,
      result: { ok: false, error: { code: 'invalid_request' } },
    });
    ws.send(JSON.stringify({ id: 5, channel: 'login.start', payload: { email: 'x' } }));
    expect(await nextMessage(ws)).toMatchObject({
      id: 5,
      result: { ok: false, error: { code: 'validation_failed' } },
    });
    ws.send(JSON.stringify({ id: 6, channel: 'app.status', payload: {} }));
    expect(await nextMessage(ws)).toMatchObject({ id: 6, result: { ok: true } });
    expect(fake.calls.map((call) => call.channel)).toEqual(['app.status']);
    ws.close();
  });

  it('closes a socket that sends more than the message limit, and still serves new pages', async () => {
    const host = await start();
    const ws = await connected(host);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(
      JSON.stringify({ id: 1, channel: 'app.status', payload: { padding: 'x'.repeat(maxMessageBytes) } }),
    );
    expect(await closed).toBe(1009);

    const again = await connected(host);
    again.send(JSON.stringify({ id: 2, channel: 'app.status', payload: {} }));
    expect(await nextMessage(again)).toMatchObject({ id: 2, result: { ok: true } });
    again.close();
  });
});
