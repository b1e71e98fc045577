import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dialects, forEachDialect, type TestApi } from '../../test/helpers/harness';
import { createTestDatabase } from '../../test/helpers/postgres';
import { SmtpPeer, activationTokenIn } from '../../test/helpers/smtp-peer';
import { openDatabase, type DatabaseHandle, type Dialect } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { FixedClock } from '../support/clock';
import { cryptoRandom } from '../support/random';
import { SecretBox } from '../support/secret-key';
import { Outbox } from './outbox';
import { OutboxWorker, retryDelay } from './outbox-worker';
import { smtpTransport, type MailTransport } from './transports';

const silent = pino({ level: 'silent' });
const from = 'WEM Account <no-reply@wem.local>';
const minute = 60_000;

async function outboxRows(api: TestApi) {
  return api.db.selectFrom('outbox').selectAll().orderBy('created_at').execute();
}

async function onlyOutboxRow(api: TestApi) {
  const rows = await outboxRows(api);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** A second worker on the harness's database and outbox, delivering through `transport`. */
function workerWith(api: TestApi, transport: MailTransport, leaseMs?: number): OutboxWorker {
  return new OutboxWorker(api.db, api.dialect, api.api.context.outbox, transport, api.clock, silent, {
    from,
    leaseMs,
  });
}

describe('retryDelay', () => {
  it('waits 5 seconds after the first failure and doubles the wait after each further one', () => {
    expect([1, 2, 3, 4].map(retryDelay)).toEqual([5_000, 10_000, 20_000, 40_000]);
  });

  it('never waits longer than 15 minutes, however long the outage lasts', () => {
    for (const attempts of [9, 10, 50, 1_100, 1_000_000]) {
      expect(retryDelay(attempts)).toBe(15 * minute);
    }
  });
});

forEachDialect('outbox worker', (t) => {
  it('delivers a queued mail once and keeps no copy of it afterwards', async () => {
    const api = t();
    const account = await api.signup();

    expect(await api.api.worker.drain()).toBe(1);
    expect(await api.api.worker.drain()).toBe(0);

    const mails = api.smtp.to(account.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Activate your WEM account');
    const row = await onlyOutboxRow(api);
    expect(row.sent_at).toBe(api.clock.now());
    expect(row.payload).toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBeNull();
  });

  it('stores a queued mail sealed: neither the link, the name nor the recipient can be read from the table', async () => {
    const api = t();
    const account = await api.signup({ firstName: 'Marijke' });
    const queued = await onlyOutboxRow(api);

    const [mail] = await api.mailsTo(account.email);
    const token = activationTokenIn(mail!);
    const [tokenId, tokenSecret] = token.split('.');
    expect(queued.payload).not.toBeNull();
    for (const secret of [token, tokenId!, tokenSecret!, account.email, 'Marijke', 'activate?token=']) {
      expect(queued.payload).not.toContain(secret);
    }
  });

  it('keeps a mail the SMTP server refuses queued, and retries it only when its retry is due', async () => {
    const api = t();
    api.smtp.refuse();
    const account = await api.signup();

    expect(await api.mailsTo(account.email)).toHaveLength(0);
    const failed = await onlyOutboxRow(api);
    expect(failed.sent_at).toBeNull();
    expect(failed.payload).not.toBeNull();
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toMatch(/451/);

    api.smtp.accept();
    api.clock.advance(retryDelay(1) - 1);
    expect(await api.mailsTo(account.email)).toHaveLength(0);

    api.clock.advance(1);
    expect(await api.mailsTo(account.email)).toHaveLength(1);
    api.clock.advance(60 * minute);
    const [mail, ...more] = await api.mailsTo(account.email);
    expect(more).toHaveLength(0);
    expect(await onlyOutboxRow(api)).toMatchObject({ attempts: 2, payload: null, last_error: null });

    const activation = await api.request('POST', '/v1/activation', { token: activationTokenIn(mail!) });
    expect(activation.status).toBe(200);
  });

  it('backs off longer after each failure but never waits more than 15 minutes', async () => {
    const api = t();
    api.smtp.refuse();
    const account = await api.signup();

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 11; attempt++) {
      await api.api.worker.drain();
      const row = await onlyOutboxRow(api);
      expect(row.attempts).toBe(attempt);
      waits.push(row.next_attempt_at - api.clock.now());
      api.clock.set(row.next_attempt_at);
    }

    expect(waits.slice(0, 3)).toEqual([5_000, 10_000, 20_000]);
    expect(Math.max(...waits)).toBe(15 * minute);
    expect(waits.slice(-2)).toEqual([15 * minute, 15 * minute]);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]!);

    api.smtp.accept();
    expect(await api.mailsTo(account.email)).toHaveLength(1);
  });

  it('takes over a mail whose worker crashed, once the claim it left behind has run out', async () => {
    const api = t();
    const account = await api.signup();
    // A worker claimed the mail and died: its claim stays behind and nobody keeps it alive.
    const abandonedUntil = api.clock.now() + 15_000;
    await api.db.updateTable('outbox').set({ claimed_until: abandonedUntil }).execute();

    expect(await api.mailsTo(account.email)).toHaveLength(0);
    api.clock.set(abandonedUntil);
    expect(await api.mailsTo(account.email)).toHaveLength(0);

    api.clock.advance(1);
    expect(await api.mailsTo(account.email)).toHaveLength(1);
    expect(await api.mailsTo(account.email)).toHaveLength(1);
    expect(await onlyOutboxRow(api)).toMatchObject({ payload: null, claimed_until: null });
  });

  it('does not hand a mail to another worker while a slow mail server is still taking it', async () => {
    const api = t();
    const account = await api.signup();
    const smtp = smtpTransport(api.smtp.url);
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const leaseMs = 300;
    const slow = workerWith(
      api,
      {
        kind: 'smtp',
        async send(mail) {
          await answered;
          await smtp.send(mail);
        },
        close: () => smtp.close?.(),
      },
      leaseMs,
    );

    const slowRun = slow.runOnce();
    try {
      await vi.waitFor(async () => expect((await onlyOutboxRow(api)).claimed_until).not.toBeNull());
      // Five times most of a lease passes; each time the slow worker's claim is renewed and holds.
      for (let step = 0; step < 5; step++) {
        const claimedUntil = (await onlyOutboxRow(api)).claimed_until!;
        api.clock.advance(leaseMs - 50);
        await vi.waitFor(
          async () => expect((await onlyOutboxRow(api)).claimed_until).toBeGreaterThan(claimedUntil),
          { timeout: 2_000, interval: 20 },
        );
        expect(await api.api.worker.drain()).toBe(0);
      }
      answer();
      expect(await slowRun).toEqual({ claimed: 1, sent: 1 });
    } finally {
      answer();
      await slow.stop();
    }
    expect(api.smtp.to(account.email)).toHaveLength(1);
  });

  it('sends a mail again with the same Message-ID when the server’s acceptance was lost', async () => {
    const api = t();
    const account = await api.signup();
    const smtp = smtpTransport(api.smtp.url);
    let answersLost = 1;
    const flaky = workerWith(api, {
      kind: 'smtp',
      async send(mail) {
        await smtp.send(mail);
        if (answersLost-- > 0) throw new Error('Connection closed before the server answered');
      },
      close: () => smtp.close?.(),
    });

    try {
      expect(await flaky.drain()).toBe(0);
      api.clock.advance(retryDelay(1));
      expect(await flaky.drain()).toBe(1);
    } finally {
      await flaky.stop();
    }

    const mails = api.smtp.to(account.email);
    expect(mails).toHaveLength(2);
    expect(mails[0]?.messageId).toMatch(/^<.+@.+>$/);
    expect(mails[1]?.messageId).toBe(mails[0]?.messageId);
  });

  it('delivers a signup’s mail as soon as it is committed, without waiting for the next poll', async () => {
    const api = t();
    api.api.worker.start();
    // The first run happens at start; after it the worker would sleep for its 2 s poll interval.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const account = await api.signup();
    await vi.waitFor(() => expect(api.smtp.to(account.email)).toHaveLength(1), {
      timeout: 1_000,
      interval: 10,
    });
  });
});

interface SharedDatabase {
  handles: DatabaseHandle[];
  close(): Promise<void>;
}

/** One database reached through separate connections, as two server instances would reach it. */
async function sharedDatabase(dialect: Dialect, connections: number): Promise<SharedDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-outbox-'));
  const pgDatabase = dialect === 'postgres' ? await createTestDatabase() : undefined;
  const url = pgDatabase?.url ?? `sqlite:${path.join(dataDir, 'shared.sqlite')}`;
  const handles = Array.from({ length: connections }, () => openDatabase(url, dataDir));
  await migrateToLatest(handles[0]!.db);
  return {
    handles,
    async close() {
      for (const handle of handles) await handle.db.destroy();
      await pgDatabase?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

for (const dialect of dialects) {
  describe(`two outbox workers on one database [${dialect}]`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('deliver each of 30 queued mails exactly once when they drain at the same time', async () => {
      const smtp = new SmtpPeer();
      await smtp.start();
      cleanups.push(() => smtp.stop());
      const shared = await sharedDatabase(dialect, 2);
      cleanups.push(() => shared.close());
      const clock = new FixedClock();
      const outbox = new Outbox(clock, cryptoRandom, new SecretBox(randomBytes(32), 'outbox', cryptoRandom));

      const recipients = Array.from({ length: 30 }, (_, i) => `reader.${i}@example.net`);
      for (const [i, to] of recipients.entries()) {
        await outbox.queueMail(shared.handles[0]!.db, {
          to,
          locale: 'en',
          template: 'activation',
          variables: {
            link: `https://account.wem.example/activate?token=link${i}`,
            validFor: '2 days',
            choosePassword: false,
          },
        });
      }

      const workers = shared.handles.map(
        (handle) =>
          new OutboxWorker(handle.db, dialect, outbox, smtpTransport(smtp.url), clock, silent, {
            from,
            batchSize: 3,
          }),
      );
      cleanups.push(async () => {
        for (const worker of workers) await worker.stop();
      });

      const sent = await Promise.all(workers.map((worker) => worker.drain()));

      expect(sent.reduce((a, b) => a + b, 0)).toBe(30);
      const messageIds = smtp.received.map((mail) => mail.messageId);
      expect(messageIds).toHaveLength(30);
      expect(new Set(messageIds).size).toBe(30);
      for (const to of recipients) expect(smtp.to(to)).toHaveLength(1);
      const unsent = await shared.handles[1]!.db.selectFrom('outbox')
        .select('id')
        .where('sent_at', 'is', null)
        .execute();
      expect(unsent).toHaveLength(0);
    });
  });
}
