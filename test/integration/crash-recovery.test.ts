import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../server/db/connect';
import { dialects, uniqueEmail } from '../helpers/harness';
import { createTestDatabase } from '../helpers/postgres';
import { SmtpPeer, activationTokenIn } from '../helpers/smtp-peer';
import { freePort } from '../../scripts/free-port';
import { startServerProcess, waitUntilAnswering, type ServerProcess } from '../helpers/server-process';

// docs/security.md 28: the server killed (SIGKILL, no shutdown) in the middle of signups. After a restart,
// every signup that was answered 202 has its account and its activation mail, and every account that
// was committed at all has its mail (the mail is written in the signup's own transaction).

const signupCount = 30;
/** How long mail may take to go out after the restart: a mail the killed process had claimed waits for
 * its lease (15 s) to run out, plus one poll of the worker. */
const deliveryDeadlineMs = 25_000;
/** Starting means transpiling the server with tsx, which takes seconds on a busy two-core machine. */
const startupDeadlineMs = 40_000;

const running = new Set<ServerProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const server of running) await kill(server);
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startServer(env: Record<string, string>): ServerProcess {
  const server = startServerProcess(env);
  running.add(server);
  void server.exited.then(() => running.delete(server));
  return server;
}

async function kill(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

type SignupOutcome = { email: string; status: number | 'no answer' };

async function signup(baseUrl: string, email: string): Promise<SignupOutcome> {
  try {
    const response = await fetch(`${baseUrl}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        firstName: 'Kim',
        lastName: 'Crash',
        email,
        password: 'violet-harbour-lantern-42',
        acceptTerms: true,
      }),
    });
    await response.arrayBuffer();
    return { email, status: response.status };
  } catch {
    return { email, status: 'no answer' };
  }
}

/** The database settings for a server of this dialect: SQLite in DATA_DIR, or a fresh PostgreSQL database. */
async function databaseFor(dialect: Dialect): Promise<{ env: Record<string, string> }> {
  if (dialect === 'sqlite') return { env: {} };
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return { env: { DATABASE_URL: database.url } };
}

function openAsTheServerDoes(env: Record<string, string>, dataDir: string): DatabaseHandle {
  const handle = openDatabase(env.DATABASE_URL, dataDir);
  cleanups.push(() => handle.db.destroy());
  return handle;
}

describe.each(dialects)('a server killed during signups [%s]', (dialect) => {
  it(
    'has the account and the activation mail of every accepted signup after a restart',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-crash-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const smtp = new SmtpPeer();
      await smtp.start();
      cleanups.push(() => smtp.stop());
      const database = await databaseFor(dialect);
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const env = { ...database.env, DATA_DIR: dataDir, PORT: String(port), MAIL_URL: smtp.url };

      const first = startServer(env);
      await waitUntilAnswering(first, `${baseUrl}/healthz`, { timeout: startupDeadlineMs, interval: 50 });

      const emails = Array.from({ length: signupCount }, () => uniqueEmail('crash'));
      let answered = 0;
      let killed = false;
      const outcomes = Promise.all(
        emails.map((email) =>
          signup(baseUrl, email).then((outcome) => {
            if (outcome.status !== 'no answer') answered++;
            // Pull the plug while most signups are still hashing, committing or mailing.
            if (answered >= 5 && !killed) {
              killed = true;
              first.child.kill('SIGKILL');
            }
            return outcome;
          }),
        ),
      );
      const results = await outcomes;
      await first.exited;

      const accepted = results.filter((r) => r.status === 202).map((r) => r.email);
      expect(results.filter((r) => r.status !== 202 && r.status !== 'no answer')).toEqual([]);
      expect(accepted.length).toBeGreaterThanOrEqual(5);
      expect(accepted.length, 'the kill came after every signup had been answered').toBeLessThan(signupCount);

      const second = startServer(env);
      await waitUntilAnswering(second, `${baseUrl}/healthz`, { timeout: startupDeadlineMs, interval: 50 });
      await vi.waitFor(
        () => {
          for (const email of accepted) expect(smtp.to(email), email).not.toHaveLength(0);
        },
        { timeout: deliveryDeadlineMs, interval: 100 },
      );

      const db = openAsTheServerDoes(env, dataDir).db;
      const accounts = await db.selectFrom('accounts').select('email').execute();
      const stored = new Set(accounts.map((a) => a.email));
      for (const email of accepted) expect(stored, email).toContain(email);
      // Committed but unanswered signups (the answer died with the process) have their mail too.
      await vi.waitFor(
        () => {
          for (const email of stored) expect(smtp.to(email), email).not.toHaveLength(0);
        },
        { timeout: deliveryDeadlineMs, interval: 100 },
      );

      for (const email of accepted) {
        const mails = smtp.to(email);
        // At-least-once: a mail sent just before the kill may come again, but as the same message.
        expect(new Set(mails.map((m) => m.messageId)).size, email).toBe(1);
        const activation = await fetch(`${baseUrl}/v1/activation`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: activationTokenIn(mails[0]!) }),
        });
        expect(activation.status, email).toBe(200);
      }
    },
    2 * startupDeadlineMs + 2 * deliveryDeadlineMs,
  );
});
