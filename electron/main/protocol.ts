import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';

/**
 * The renderer is served from a privileged custom scheme, `app://wem-account/`, never from file://:
 * a file:// page shares its origin with every other local file, while this origin is ours alone, so
 * the IPC sender check (ipc-transport.ts), navigation rules and CSP can all name it exactly.
 */
export const appScheme = 'app';
export const appHost = 'wem-account';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;

/**
 * The page may load its own scripts, styles, images and fonts and nothing else: no inline script, no
 * eval, no network (it talks to main over IPC only), no plugins, no frames, no forms posting away.
 * `data:` images are allowed for QR codes drawn in the page.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * True only for a URL of the app's own origin. Compared by parts, not by `URL.origin`: WHATWG gives
 * non-special schemes the opaque origin "null", and a prefix test would let `app://wem-account.evil`
 * or `app://wem-account@evil` through.
 */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${appScheme}:` &&
    // Chromium lowercases the host of a standard scheme; Node's URL does not for custom schemes.
    parsed.hostname.toLowerCase() === appHost &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Must run before `app` is ready: only then can a scheme be made standard and secure. `corsEnabled`
 * stays off on purpose: it would let other origins read app:// responses without any CORS check.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * The file under `rendererDir` that an app:// URL names, or undefined when the URL is not ours or
 * would leave the folder (`..`, encoded separators, absolute paths, NUL bytes).
 */
export function resolveRendererPath(rendererDir: string, url: string): string | undefined {
  if (!isAppUrl(url)) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, relative);
  const fromRoot = path.relative(root, file);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return undefined;
  return file;
}

/** Serves `rendererDir` on app://wem-account/ with the CSP on every response; anything else is 404. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(appScheme, async (request) => {
    const file = resolveRendererPath(rendererDir, request.url);
    if (!file || !(await isFile(file)))
      return new Response('Not found', { status: 404, headers: baseHeaders() });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = baseHeaders();
    const type = response.headers.get('content-type');
    if (type) headers.set('Content-Type', type);
    return new Response(response.body, { status: response.status, headers });
  });
}

function baseHeaders(): Headers {
  return new Headers({
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
