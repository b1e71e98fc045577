import path from 'node:path';
import { app } from 'electron';
import type { IpcEventPayload } from '../../common/contract/ipc';

/**
 * `wem-account://activate?token=…`, `wem-account://reset-password?token=…` and
 * `wem-account://confirm-email?token=…` open a link from a mail in the app (the API's link pages
 * offer them, docs/api.md "Account lifecycle"). The link comes from outside — any web page can launch it — so it is
 * parsed strictly: one of these paths, one token of the API's split-token shape, nothing else. The
 * renderer only ever gets the parsed event, never the raw URL.
 */
export const deepLinkScheme = 'wem-account';

export type DeepLink = IpcEventPayload<'deepLink'>;

const maxLinkLength = 400;
/** `<id>.<secret>` (every mailed link's token): 16 and 43 base64url characters (server/support/secret-token.ts). */
const activationToken = /^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/;

const linkKinds: readonly DeepLink['kind'][] = ['activate', 'reset-password', 'confirm-email'];

export function parseDeepLink(raw: string): DeepLink | undefined {
  if (raw.length > maxLinkLength) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${deepLinkScheme}:`) return undefined;
  if (url.username || url.password || url.port || url.hash) return undefined;
  const kind = linkKinds.find((known) => known === url.hostname.toLowerCase());
  if (!kind) return undefined;
  if (url.pathname !== '' && url.pathname !== '/') return undefined;
  const keys = [...url.searchParams.keys()];
  if (keys.length !== 1 || keys[0] !== 'token') return undefined;
  const token = url.searchParams.get('token') ?? '';
  if (!activationToken.test(token)) return undefined;
  return { kind, token };
}

/** The deep link among a process's arguments (Windows and Linux pass it on the command line). */
export function deepLinkInArgv(argv: readonly string[]): string | undefined {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${deepLinkScheme}:`));
}

/**
 * Makes this app the handler of wem-account:// links. When run unpackaged (`electron .`), the OS must
 * start Electron with the app's path, so that is passed along.
 */
export function registerDeepLinkScheme(): boolean {
  if (process.defaultApp && process.argv.length >= 2) {
    return app.setAsDefaultProtocolClient(deepLinkScheme, process.execPath, [path.resolve(process.argv[1]!)]);
  }
  return app.setAsDefaultProtocolClient(deepLinkScheme);
}

/**
 * Calls `onLink` for every valid link that reaches this instance: on macOS through `open-url` (which
 * may fire before the app is ready, so register this early), elsewhere through the second instance's
 * arguments (see index.ts) and this instance's own start arguments. Invalid links are dropped.
 */
export function listenForDeepLinks(onLink: (link: DeepLink) => void): void {
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = parseDeepLink(url);
    if (link) onLink(link);
  });
}

export function deepLinkFromArgv(argv: readonly string[]): DeepLink | undefined {
  const raw = deepLinkInArgv(argv);
  return raw === undefined ? undefined : parseDeepLink(raw);
}
