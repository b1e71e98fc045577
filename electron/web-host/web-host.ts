import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { contentTypeOf } from '../../common/domain/content-types';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { messageOf } from '../../common/contract/errors';
import { ipcEvents, type IpcEvent, type IpcEventPayload, type IpcResult } from '../../common/contract/ipc';
import type { IpcRouter } from '../services/ipc-router';

/**
 * The desktop services served to a browser: one HTTP server on 127.0.0.1 that hands out the built
 * renderer and, on `/ipc`, a WebSocket speaking the IPC contract. It stands in for Electron where the
 * binary is missing and lets end-to-end tests drive the real UI in Chromium (DESIGN "Data flow").
 *
 * Who may call: only a page this host served. The upgrade needs the per-launch token (256 random
 * bits, handed to the page in the URL fragment, which browsers never send to a server) and the
 * host's own Origin; anything else is refused before the upgrade, so another site open in the same
 * browser, or another local user's process, reaches no handler.
 */
export interface WebHostOptions {
  router: IpcRouter;
  /** The built renderer (vite build output): index.html and assets/. */
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface WebHost {
  /** Open this: `http://127.0.0.1:<port>/#token=<token>`. */
  readonly url: string;
  readonly port: number;
  /** Pushes an event to every connected page. */
  emit<E extends IpcEvent>(event: E, payload: IpcEventPayload<E>): void;
  close(): Promise<void>;
}

/**
 * Larger frames close the socket (1009). The authenticator's image and import channels carry files
 * (up to ~12 MiB of base64, common/contract/ipc-authenticator.ts); every other channel a few KiB.
 */
export const maxMessageBytes = 16 * 1024 * 1024;
/** Offered by the bridge next to the token; the host answers with it so the token is not echoed. */
export const ipcSubprotocol = 'wem-account';
const ipcPath = '/ipc';
const host = '127.0.0.1';

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://${host}:${port}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** What a message from the page must look like; everything else gets an `invalid_request` reply. */
interface IpcCall {
  id: string | number;
  channel: string;
  payload: unknown;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const rendererDir = await realpath(path.resolve(options.rendererDir));
  const token = randomBytes(32).toString('base64url');
  const tokenDigest = digest(token);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes,
    handleProtocols: (offered) => (offered.has(ipcSubprotocol) ? ipcSubprotocol : false),
  });
  let port = 0;

  const server = createServer((request, response) => {
    if (request.headers.host !== `${host}:${port}`) return plain(response, 421, 'Misdirected request');
    serveStatic(rendererDir, request, response, port).catch(() => plain(response, 500, 'Server error'));
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal = refuseUpgrade(request, port, tokenDigest);
    if (refusal) return rejectUpgrade(socket, refusal);
    wss.handleUpgrade(request, socket, head, (ws) => serveIpc(ws, options.router));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}/#token=${token}`,
    port,
    emit(event, payload) {
      const frame = JSON.stringify({ event, payload: ipcEvents[event].parse(payload) });
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(frame);
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Refusal {
  status: 401 | 403 | 404;
  reason: string;
}

/** Path, then Host (DNS rebinding), then Origin (other sites in the browser), then the token. */
function refuseUpgrade(request: IncomingMessage, port: number, tokenDigest: Buffer): Refusal | undefined {
  const own = `${host}:${port}`;
  const url = new URL(request.url ?? '/', `http://${own}`);
  if (url.pathname !== ipcPath) return { status: 404, reason: 'Not Found' };
  if (request.headers.host !== own) return { status: 403, reason: 'Forbidden' };
  if (request.headers.origin !== `http://${own}`) return { status: 403, reason: 'Forbidden' };
  const offered = [
    url.searchParams.get('token') ?? '',
    ...(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()),
  ];
  const matches = offered.filter((candidate) => candidate && timingSafeEqual(digest(candidate), tokenDigest));
  if (matches.length === 0) return { status: 401, reason: 'Unauthorized' };
  return undefined;
}

function rejectUpgrade(socket: Duplex, { status, reason }: Refusal): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Comparing digests keeps the comparison constant-time whatever the candidate's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function serveIpc(ws: WebSocket, router: IpcRouter): void {
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const call = isBinary ? undefined : parseCall(data);
    if (!call) {
      reply(ws, idOf(isBinary ? undefined : data), invalid('The message is not a valid IPC call.'));
      return;
    }
    router.dispatch(call.channel, call.payload).then(
      (result) => reply(ws, call.id, result),
      () =>
        reply(ws, call.id, {
          ok: false,
          error: { code: 'app_error', message: messageOf('app_error') },
        }),
    );
  });
}

function reply(ws: WebSocket, id: IpcCall['id'] | null, result: IpcResult<unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
}

function invalid(message: string): IpcResult<never> {
  return { ok: false, error: { code: 'invalid_request', message } };
}

function parseCall(data: RawData): IpcCall | undefined {
  const value = parseJson(data);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { id, channel, payload } = value as Record<string, unknown>;
  if (!isId(id) || typeof channel !== 'string' || channel.length > 100) return undefined;
  return { id, channel, payload };
}

/** Lets the page match an error to its call even when the rest of the message is wrong. */
function idOf(data: RawData | undefined): IpcCall['id'] | null {
  const value = data === undefined ? undefined : parseJson(data);
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as Record<string, unknown>).id;
  return isId(id) ? id : null;
}

function isId(id: unknown): id is IpcCall['id'] {
  return (typeof id === 'string' && id.length > 0 && id.length <= 64) || Number.isSafeInteger(id);
}

function parseJson(data: RawData): unknown {
  try {
    const bytes = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Files under rendererDir and nothing else: the decoded path is resolved and must stay inside the
 * directory, and so must its real path (a symlink in the build output cannot lead out either).
 */
async function serveStatic(
  rendererDir: string,
  request: IncomingMessage,
  response: ServerResponse,
  port: number,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return plain(response, 405, 'Method not allowed');
  }
  const file = await resolveFile(rendererDir, request.url ?? '/');
  if (!file) return plain(response, 404, 'Not found');
  response.writeHead(200, {
    'Content-Type': contentTypeOf(path.extname(file.path)),
    'Content-Length': file.size,
    'Content-Security-Policy': contentSecurityPolicy(port),
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  });
  if (request.method === 'HEAD') return void response.end();
  createReadStream(file.path)
    .on('error', () => response.destroy())
    .pipe(response);
}

async function resolveFile(
  rendererDir: string,
  rawUrl: string,
): Promise<{ path: string; size: number } | undefined> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(rawUrl, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  if (pathname.endsWith('/')) pathname += 'index.html';
  const candidate = path.resolve(rendererDir, `.${pathname}`);
  if (!isInside(rendererDir, candidate)) return undefined;
  try {
    const real = await realpath(candidate);
    if (!isInside(rendererDir, real)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

function isInside(dir: string, file: string): boolean {
  return file.startsWith(dir + path.sep);
}

function plain(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(text);
}
