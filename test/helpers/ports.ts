import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now: for an API whose PUBLIC_URL must name its own address
 * before it listens (the login portal's issuer, cookies and redirects).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
