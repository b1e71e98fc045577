import { readFile, realpath, stat } from 'node:fs/promises';
import { contentTypeOf } from '../../common/domain/content-types';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import type { ApiInstance } from '../http/route-types';

/**
 * The WEM Login Portal's pages (docs/api.md "WEM Login Portal"): the desktop app's own renderer, built
 * by `npm run build:renderer` with relative asset URLs, served at `/portal/` with its files under
 * `/portal/assets/`. One set of screens for both: the page sees it runs in the portal from its address
 * and talks to `/portal/api/<channel>` instead of Electron's preload (docs/architecture.md).
 *
 * The page holds sign-in forms, so it is locked down like one: scripts only from this origin, calls
 * only to this origin, never framed (clickjacking a password form), no referrer (an interaction id in
 * the address goes nowhere), the HTML never cached. Assets have content hashes in their names, so they
 * are cached for good.
 */
export interface PortalPagesOptions {
  /** The built renderer (index.html and assets/). Default: out/renderer in this repository. */
  rendererDir?: string | undefined;
}

export const defaultRendererDir = path.resolve(import.meta.dirname, '../../out/renderer');

/**
 * As the web host's (electron/web-host/web-host.ts) but calls go to this origin over HTTP, not a
 * WebSocket. `style-src 'unsafe-inline'` as there: React and the QR code set style values; no script.
 */
export const portalContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const pageHeaders = {
  'content-security-policy': portalContentSecurityPolicy,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Vite's output names: `name-<hash>.ext`, the hash of the content (8 or more base64url characters). */
const hashedName = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WEM Login Portal · not built</title></head>
<body><h1>The WEM Login Portal is not built</h1>
<p>This server serves the portal from the built renderer. Run <code>npm run build:renderer</code> and reload.</p>
</body></html>
`;

export async function portalPages(app: ApiInstance, options: PortalPagesOptions): Promise<void> {
  const rendererDir = path.resolve(options.rendererDir ?? defaultRendererDir);
  const assetsDir = path.join(rendererDir, 'assets');

  // The renderer's asset URLs are relative: `/portal` without the slash would load them from `/`.
  app.get('/portal', { schema: { hide: true } }, async (request, reply) => {
    const query = request.url.indexOf('?');
    return reply.redirect(`/portal/${query === -1 ? '' : request.url.slice(query)}`, 308);
  });

  const index = async (_request: unknown, reply: FastifyReply) => {
    const file = await fileInside(rendererDir, 'index.html');
    if (!file) {
      return reply
        .status(503)
        .headers(pageHeaders)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('retry-after', '60')
        .send(notBuilt);
    }
    return reply
      .headers(pageHeaders)
      .header('content-type', contentTypeOf('.html'))
      .header('cache-control', 'no-store')
      .send(await readFile(file));
  };
  app.get('/portal/', { schema: { hide: true } }, index);
  app.get('/portal/index.html', { schema: { hide: true } }, index);

  // Vite writes the assets flat into assets/: one path segment (an encoded `/` or `..` in it is
  // decoded into the name and refused by fileInside).
  app.get<{ Params: { file: string } }>(
    '/portal/assets/:file',
    { schema: { hide: true } },
    async (request, reply) => {
      const file = await fileInside(assetsDir, request.params.file);
      if (!file) {
        return reply
          .status(404)
          .headers(pageHeaders)
          .header('content-type', 'text/plain; charset=utf-8')
          .header('cache-control', 'no-store')
          .send('Not found');
      }
      return reply
        .headers(pageHeaders)
        .header('content-type', contentTypeOf(path.extname(file)))
        .header('cache-control', hashedName.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(await readFile(file));
    },
  );
}

/**
 * A file under `dir` and nothing else (docs/security.md 55): the decoded path must resolve inside the
 * directory, and so must its real path, so neither `..` (however encoded) nor a symlink in the build
 * output leads out. Undefined for anything else, including a directory or a missing build.
 */
async function fileInside(dir: string, relative: string): Promise<string | undefined> {
  if (relative.includes('\0') || relative.includes('\\')) return undefined;
  const candidate = path.resolve(dir, relative);
  if (!candidate.startsWith(dir + path.sep)) return undefined;
  try {
    const [realDir, real] = await Promise.all([realpath(dir), realpath(candidate)]);
    if (!real.startsWith(realDir + path.sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
