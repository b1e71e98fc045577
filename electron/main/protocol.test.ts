import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const fake = await vi.hoisted(async () => (await import('../../test/helpers/fake-electron')).fakeElectron());
vi.mock('electron', () => fake);

const { contentSecurityPolicy, isAppUrl, registerAppScheme, serveRenderer } = await import('./protocol');

let root: string;
let rendererDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'wem-renderer-'));
  rendererDir = path.join(root, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>WEM Account</title>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(root, 'secret.txt'), 'outside the renderer');
  registerAppScheme();
  serveRenderer(rendererDir);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function get(url: string): Promise<Response> {
  const handler = fake.recorded.schemeHandlers.get('app');
  if (!handler) throw new Error('app:// is not served');
  return handler(new Request(url));
}

describe('the app:// origin', () => {
  it('is registered as a standard, secure scheme', () => {
    expect(fake.recorded.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('serves the page with a strict content security policy', async () => {
    const response = await get('app://wem-account/index.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>WEM Account</title>');
    expect(response.headers.get('content-type')).toBe('text/html');
    const csp = response.headers.get('content-security-policy');
    expect(csp).toBe(contentSecurityPolicy);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('serves the page for the bare origin and the assets it links', async () => {
    expect(await (await get('app://wem-account/')).text()).toContain('WEM Account');
    expect(await (await get('app://wem-account/assets/app.js')).text()).toBe('console.log(1)');
  });

  it.each([
    'app://wem-account/../secret.txt',
    'app://wem-account/%2e%2e/secret.txt',
    'app://wem-account/assets/%2e%2e/%2e%2e/secret.txt',
    'app://wem-account/..%5csecret.txt',
    'app://wem-account/%00index.html',
    'app://wem-account/%E0%A4%A',
    'app://wem-account/missing.js',
    'app://wem-account/assets',
    'app://other-host/index.html',
  ])('answers 404 for %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the renderer');
  });

  it.each([
    ['app://wem-account/index.html', true],
    ['app://wem-account/', true],
    ['app://WEM-ACCOUNT/index.html', true],
    ['app://wem-account:8080/', false],
    ['app://wem-account.evil.example/', false],
    ['app://evil@wem-account/', false],
    ['file:///index.html', false],
    ['https://wem-account/', false],
    ['', false],
  ])('counts %s as the app’s own: %s', (url, own) => {
    expect(isAppUrl(url)).toBe(own);
  });
});
