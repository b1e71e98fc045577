import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { IpcEvent, IpcResult } from '../../common/contract/ipc';
import { createDesktopServices, type DesktopServices } from '../../electron/services/desktop-services';
import { ConfSettingsStore } from '../../electron/services/settings';
import { startTestApi, type JsonResponse, type TestApi, type TestApiOptions } from './harness';
import { MemorySecretStore } from './memory-secret-store';

export { MemorySecretStore };

/** A test API (SQLite) listening on a real loopback port, so the desktop services speak real HTTP. */
export async function listeningApi(options: TestApiOptions = {}): Promise<TestApi & { url: string }> {
  const api = await startTestApi('sqlite', options);
  await api.api.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = api.api.app.server.address() as AddressInfo;
  return Object.assign(api, { url: `http://127.0.0.1:${port}` });
}

/**
 * A pass-through HTTP proxy in front of the API that remembers every secret the API handed out (any
 * `token`, `secret`, `loginId` or `resetId` in a JSON answer), so a test can prove none of them reached the UI.
 */
export async function recordingProxy(target: string): Promise<{
  url: string;
  secretsSeen: Set<string>;
  /** Paths of the requests that reached the API, in order. */
  requests: string[];
  close(): Promise<void>;
}> {
  const requests: string[] = [];
  const secretsSeen = new Set<string>();
  const collect = (value: unknown, key = ''): void => {
    if (typeof value === 'string' && ['token', 'secret', 'loginId', 'resetId'].includes(key))
      secretsSeen.add(value);
    else if (Array.isArray(value)) value.forEach((item) => collect(item));
    else if (value !== null && typeof value === 'object')
      for (const [name, item] of Object.entries(value)) collect(item, name);
  };
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const upstream = http.request(
      `${target}${request.url ?? '/'}`,
      { method: request.method, headers: request.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          try {
            collect(JSON.parse(body.toString('utf8')));
          } catch {
            // Not JSON (204, HTML): nothing to remember.
          }
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          response.end(body);
        });
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secretsSeen,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every string anywhere inside a value (keys included): what a renderer could read from a reply. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => [key, ...stringsIn(item)]);
  return [];
}

/**
 * The desktop app's services against a real account API, through a recording proxy, with a settings
 * file and a memory keychain: made fresh for each test (this registers the hooks). `launch()` is an
 * app start over the same settings and keychain; `send` keeps every reply so a test can prove that no
 * secret the API handed out reached the page.
 */
export function desktopRig(onEvent: (event: IpcEvent, payload: unknown) => void = () => undefined) {
  let current:
    | {
        api: TestApi & { url: string };
        proxy: Awaited<ReturnType<typeof recordingProxy>>;
        settingsDir: string;
        secrets: MemorySecretStore;
        replies: { channel: string; reply: IpcResult<unknown> }[];
      }
    | undefined;
  const running: DesktopServices[] = [];
  const now = () => {
    if (!current) throw new Error('the desktop rig is used outside a test');
    return current;
  };

  beforeEach(async () => {
    const api = await listeningApi();
    const proxy = await recordingProxy(api.url);
    const settingsDir = mkdtempSync(path.join(tmpdir(), 'wem-settings-'));
    new ConfSettingsStore({ cwd: settingsDir }).update({ serverUrl: proxy.url });
    current = { api, proxy, settingsDir, secrets: new MemorySecretStore(), replies: [] };
  });

  afterEach(async () => {
    for (const services of running.splice(0)) services.dispose();
    const { api, proxy, settingsDir } = now();
    await proxy.close();
    await api.close();
    rmSync(settingsDir, { recursive: true, force: true });
    current = undefined;
  });

  async function send(services: DesktopServices, channel: string, payload: unknown = {}) {
    const reply = await services.router.dispatch(channel, payload);
    now().replies.push({ channel, reply });
    return reply;
  }

  return {
    get api() {
      return now().api;
    },
    get proxy() {
      return now().proxy;
    },
    get settingsDir() {
      return now().settingsDir;
    },
    get secrets() {
      return now().secrets;
    },
    get replies() {
      return now().replies;
    },
    /** A fresh app start: new services over the same settings file and keychain. */
    launch(): DesktopServices {
      const { api, settingsDir, secrets } = now();
      const services = createDesktopServices({
        settings: new ConfSettingsStore({ cwd: settingsDir }),
        secrets,
        version: '1.2.3',
        deviceName: 'Jane’s laptop',
        onEvent,
        now: () => api.clock.now(),
      });
      running.push(services);
      return services;
    },
    send,
    /** The reply's value; a refusal fails the test with its error. */
    async value(services: DesktopServices, channel: string, payload: unknown = {}): Promise<JsonResponse> {
      const reply = await send(services, channel, payload);
      if (!reply.ok) throw new Error(`${channel} failed: ${JSON.stringify(reply.error)}`);
      return reply.value as JsonResponse;
    },
  };
}
