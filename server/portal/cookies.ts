import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The portal's cookies (docs/api.md, "Login portal"): HttpOnly, SameSite=Lax, Path=/; on https they
 * carry the `__Host-` prefix and Secure, so no subdomain and no plain-http page can set or read them.
 */
export interface PortalCookieNames {
  /** The API session of this browser: no Max-Age, closing the browser ends it. */
  session: string;
  /** "Trust this computer": a trusted-device token, Max-Age of its fixed lifetime. */
  trusted: string;
  /** A login between password and code: its loginId, never readable by the page. */
  login: string;
  /** Set when a relying party demands a fresh factor: the next password step ignores the trusted cookie. */
  fresh: string;
  /** A password reset opened from its mailed link, until the new password is set: its resetId. */
  reset: string;
}

export const languageCookie = 'wem_lang';

export function portalCookieNames(publicUrl: string): PortalCookieNames {
  const prefix = publicUrl.startsWith('https://') ? '__Host-' : '';
  return {
    session: `${prefix}wem_portal`,
    trusted: `${prefix}wem_trusted`,
    login: `${prefix}wem_login`,
    fresh: `${prefix}wem_fresh`,
    reset: `${prefix}wem_reset`,
  };
}

/** The cookies a request carries (the first of a repeated name wins, as browsers send the most specific first). */
export function cookiesOf(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // A value that is not percent-encoding is not one of ours.
    }
  }
  return cookies;
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  return cookiesOf(request.headers.cookie).get(name);
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; absent for a cookie that ends with the browser session; 0 clears it. */
  maxAge?: number;
  httpOnly?: boolean;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Lax'];
  if (options.httpOnly !== false) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  return parts.join('; ');
}

/** Adds a Set-Cookie to the reply, keeping those already there. */
export function appendCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : existing === undefined ? [] : [String(existing)];
  void reply.header('set-cookie', [...list, cookie]);
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  appendCookie(reply, serializeCookie(name, value, options));
}

export function clearCookie(reply: FastifyReply, name: string, secure: boolean): void {
  setCookie(reply, name, '', { secure, maxAge: 0 });
}
