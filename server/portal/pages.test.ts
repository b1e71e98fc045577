import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/harness';
import type { ApiInstance } from '../http/route-types';
import { portalPages } from './pages';

/**
 * The portal's pages as a browser and an attacker see them: the built renderer with the headers of a
 * sign-in page, its hashed assets cached, nothing outside the build reachable, and a clear word to the
 * operator when the renderer was never built.
 */

let root: string;
let built: string;
let app: ApiInstance;
let unbuilt: ApiInstance;

const indexHtml =
  '<!doctype html><html><head><script type="module" src="./assets/index-AbCd1234.js"></script></head><body><div id="root"></div></body></html>';

async function pagesOn(rendererDir: string): Promise<ApiInstance> {
  const instance = Fastify({ loggerInstance: pino({ level: 'silent' }) }).withTypeProvider<ZodTypeProvider>();
  await instance.register(portalPages, { rendererDir });
  await instance.ready();
  return instance;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'portal-pages-'));
  built = path.join(root, 'renderer');
  await mkdir(path.join(built, 'assets'), { recursive: true });
  await writeFile(path.join(built, 'index.html'), indexHtml);
  await writeFile(path.join(built, 'assets', 'index-AbCd1234.js'), 'console.log("portal");');
  await writeFile(path.join(built, 'assets', 'plain.css'), 'body{}');
  await writeFile(path.join(root, 'secret.txt'), 'SECRET_KEY=not for the browser');
  await writeFile(path.join(root, 'renderer-secret.txt'), 'a sibling whose name starts like the build');
  await symlink(path.join(root, 'secret.txt'), path.join(built, 'assets', 'link-out.js'));
  app = await pagesOn(built);
  await app.listen({ port: 0, host: '127.0.0.1' });
  unbuilt = await pagesOn(path.join(root, 'never-built'));
});

afterAll(async () => {
  await app?.close();
  await unbuilt?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const get = (instance: ApiInstance, url: string) => instance.inject({ method: 'GET', url });

/** A request with the path exactly as written: no client normalises `..` away before the server. */
async function rawGet(instance: ApiInstance, rawPath: string): Promise<{ status: number; body: string }> {
  const { port } = instance.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

function expectLockedDown(headers: Record<string, unknown>): void {
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|\*)/);
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('the portal pages', () => {
  it('serves the built renderer at /portal/ and /portal/index.html as a page never cached or framed', async () => {
    for (const url of ['/portal/', '/portal/index.html', '/portal/?interaction=abc&consent=1']) {
      const response = await get(app, url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      expectLockedDown(response.headers);
      expect(response.body).toBe(indexHtml);
    }
  });

  it('sends /portal on to /portal/ with its query, so the relative asset URLs resolve', async () => {
    const response = await get(app, '/portal?interaction=abc');
    expect(response.statusCode).toBe(308);
    expect(response.headers.location).toBe('/portal/?interaction=abc');
  });

  it('serves hashed assets cacheable for good and others revalidated, with their content type', async () => {
    const script = await get(app, '/portal/assets/index-AbCd1234.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.body).toBe('console.log("portal");');
    const style = await get(app, '/portal/assets/plain.css');
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.headers['cache-control']).toBe('no-cache');
  });

  it('reaches nothing outside the assets folder, however the path is written (docs/security.md 55)', async () => {
    for (const url of [
      '/portal/assets/../../secret.txt',
      '/portal/assets/..%2f..%2fsecret.txt',
      '/portal/assets/%2e%2e/%2e%2e/secret.txt',
      '/portal/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/portal/assets/..%5c..%5csecret.txt',
      '/portal/assets/../../renderer-secret.txt',
      '/portal/assets/../index.html',
      '/portal/assets/%2fetc%2fpasswd',
      '/portal/assets/index-AbCd1234.js%00.png',
      // A symlink in the build output that points outside it.
      '/portal/assets/link-out.js',
      // A folder is not a file.
      '/portal/assets/',
      '/portal/assets/missing-AbCd1234.js',
    ]) {
      const response = await rawGet(app, url);
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(response.status, url).toBeLessThan(500);
      expect(response.body, url).not.toContain('SECRET_KEY');
      expect(response.body, url).not.toContain('sibling');
      expect(response.body, url).not.toContain('<div id="root">');
      // One encoded segment reaches the assets route decoded, and is refused there by the containment check.
      const segment = url.slice('/portal/assets/'.length);
      if (segment.includes('%') && !segment.includes('/')) expect(response.body, url).toBe('Not found');
    }
  });

  it('tells the operator to build the renderer when it is missing, with a 503', async () => {
    const response = await get(unbuilt, '/portal/');
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expectLockedDown(response.headers);
    expect(response.body).toContain('npm run build:renderer');
    expect((await get(unbuilt, '/portal/assets/index-AbCd1234.js')).statusCode).toBe(404);
  });
});

describe('the portal pages in the account API', () => {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startTestApi('sqlite');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('are mounted at /portal/ with the same headers, whether or not this checkout has a build', async () => {
    const response = await api!.api.app.inject({ method: 'GET', url: '/portal/' });
    expect([200, 503]).toContain(response.statusCode);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expectLockedDown(response.headers);
  });
});
