import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApi, type TestApi, type TestApiOptions } from './harness';

export { MemorySecretStore } from './memory-secret-store';

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
