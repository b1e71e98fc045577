import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port';

/**
 * `npm run server` as operators run it: the real process, its environment, its port, its signals. Every
 * process started here is stopped by its PID, also when a test fails.
 */

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const started: ChildProcess[] = [];
const tempDirs: string[] = [];

interface RunningServer {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startServer(env: Record<string, string>): RunningServer {
  // Only what the server needs from our environment: no inherited PORT, DATABASE_URL or MAIL_URL.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

function tempDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wem-server-'));
  tempDirs.push(dir);
  return dir;
}

/** Resolves with the exit, or with 'timeout' after `ms`. */
function exitWithin(server: RunningServer, ms: number) {
  return Promise.race([
    server.exited,
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref()),
  ]);
}

/** Polls /healthz until the server answers (tsx compiles on start), or fails with its output. */
async function waitUntilReady(server: RunningServer, port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not become ready:\n${server.output()}`);
}

async function waitFor(condition: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for a log line: the process says what it is doing, so the test needs no guessed sleeps. */
async function waitForOutput(server: RunningServer, pattern: RegExp): Promise<void> {
  await waitFor(() => pattern.test(server.output()), `${pattern} in:\n${server.output()}`);
}

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the server process', () => {
  it('refuses to start with bad settings, naming each bad variable on its own line', async () => {
    const dataDir = tempDataDir();
    const server = startServer({
      DATA_DIR: dataDir,
      PORT: 'abc',
      ACTIVATION_LINK_TTL: '2x',
      MAIL_URL: 'http://x',
    });
    const exit = await exitWithin(server, 30_000);
    expect(exit, server.output()).not.toBe('timeout');
    if (exit === 'timeout') return;
    expect(exit.code, server.output()).not.toBe(0);
    expect(exit.code).not.toBeNull();

    const lines = server.output().split('\n');
    for (const variable of ['PORT', 'ACTIVATION_LINK_TTL', 'MAIL_URL']) {
      const naming = lines.filter((line) => new RegExp(`\\b${variable}\\b`).test(line));
      expect(naming, `${variable} in:\n${server.output()}`).toHaveLength(1);
    }
    expect(lines.filter((line) => /\bDATA_DIR\b/.test(line))).toHaveLength(0);
    // Nothing was set up on the way out: no key, no database.
    expect(existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'wem-account.sqlite'))).toBe(false);
  }, 60_000);

  it('serves /healthz and /openapi.json, stops gracefully on SIGTERM and keeps its secret key across restarts', async () => {
    const dataDir = tempDataDir();
    const keyFile = path.join(dataDir, 'secret.key');
    const mailDir = path.join(dataDir, 'outbox', 'mail');

    const port = await freePort();
    // At debug the API logs each request as it arrives: the test sees the signup below is in flight.
    const first = startServer({
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
    });
    await waitUntilReady(first, port);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const openapi = await fetch(`http://127.0.0.1:${port}/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(await openapi.json()).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      paths: expect.any(Object),
    });
    const unknown = await fetch(`http://127.0.0.1:${port}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });

    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8');
    expect(Buffer.from(key.trim(), 'base64')).toHaveLength(32);

    // A signup is in flight when SIGTERM arrives (usually while its password is being hashed): it is
    // answered and committed before the process exits.
    const email = `process.${process.pid}@example.net`;
    const password = 'violet-harbour-lantern-42';
    const body = JSON.stringify({ firstName: 'Jane', lastName: 'Doe', email, password, acceptTerms: true });
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const answered = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      `POST /v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    await waitForOutput(first, /"url":"\/v1\/accounts".*"msg":"incoming request"/);
    // The fetches above left idle keep-alive connections open: they must not hold the shutdown up.
    expect(first.child.kill('SIGTERM')).toBe(true);
    await answered;
    expect(answer, first.output()).toMatch(/^HTTP\/1\.1 202 /);

    const stopped = await exitWithin(first, 5_000);
    expect(stopped, first.output()).toEqual({ code: 0, signal: null });
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

    // A second start on the same DATA_DIR reads the key it made, rather than making another.
    const secondPort = await freePort();
    const second = startServer({ DATA_DIR: dataDir, PORT: String(secondPort), HOST: '127.0.0.1' });
    await waitUntilReady(second, secondPort);
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    // The signup that finished during the shutdown was committed: its password is checked, and its
    // activation mail is in the outbox folder (sent before the stop, or queued and sent now).
    const login = await fetch(`http://127.0.0.1:${secondPort}/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(403);
    expect(await login.json()).toMatchObject({ error: { code: 'account_not_activated' } });
    await waitFor(() => existsSync(mailDir) && readdirSync(mailDir).some((f) => f.endsWith('.eml')));

    expect(second.child.kill('SIGTERM')).toBe(true);
    expect(await exitWithin(second, 5_000), second.output()).toEqual({ code: 0, signal: null });
  }, 90_000);
});
