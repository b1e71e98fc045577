import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/helpers/harness';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { FixedClock } from '../support/clock';
import { cryptoRandom, newId } from '../support/random';
import { renderMail } from './mail-templates';
import { fileMailTransport, type OutgoingMail } from './transports';

/** A pino logger whose lines land in `lines`, one parsed JSON object per line. */
function capturedLogger() {
  const raw: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void raw.push(line) });
  return {
    log,
    raw,
    lines: () => raw.flatMap((chunk) => chunk.split('\n').filter(Boolean)),
    entries: () => raw.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((l) => JSON.parse(l)),
  };
}

function emlFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'outbox', 'mail');
  return readdirSync(dir)
    .sort()
    .map((name) => path.join(dir, name));
}

/** `2026-11-29T09-00-00-000Z` (the time in an outbox file name) back to milliseconds. */
function timeInName(file: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-/.exec(path.basename(file));
  if (!match) throw new Error(`no time in ${file}`);
  const [, day, h, m, s, ms] = match;
  return Date.parse(`${day}T${h}:${m}:${s}.${ms}Z`);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wem-transport-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function activationMail(to: string): OutgoingMail {
  const token = `${newId(cryptoRandom)}.${cryptoRandom.bytes(24).toString('base64url')}`;
  const link = `https://account.wem.example/activate?token=${token}`;
  return {
    id: newId(cryptoRandom),
    from: 'WEM Account <no-reply@wem.local>',
    to,
    subject: 'Activate your WEM account',
    text: `Hello Jane,\n\nOpen this link to activate it:\n\n${link}\n\n-- \nWEM Account\n`,
    html: `<p>Hello Jane,</p><p><a href="${link}">${link}</a></p>`,
  };
}

describe('the file mail transport (outbox mode)', () => {
  it('writes each mail as an RFC 5322 message named after its time and id, readable only by the server', async () => {
    const dataDir = tempDir();
    const capture = capturedLogger();
    const transport = fileMailTransport(path.join(dataDir, 'outbox'), capture.log);
    const mails = [activationMail('jane@example.net'), activationMail('piet@example.nl')];

    const before = Date.now();
    for (const mail of mails) await transport.send(mail);
    const after = Date.now();

    const files = emlFiles(dataDir);
    expect(files).toHaveLength(2);
    for (const mail of mails) {
      const file = files.find((f) => path.basename(f).endsWith(`-${mail.id}.eml`));
      expect(file, `file for ${mail.id}`).toBeDefined();
      expect(timeInName(file!)).toBeGreaterThanOrEqual(before);
      expect(timeInName(file!)).toBeLessThanOrEqual(after);
      expect(statSync(file!).mode & 0o777).toBe(0o600);

      const parsed = await simpleParser(readFileSync(file!));
      expect(parsed.to).toMatchObject({ value: [{ address: mail.to }] });
      expect(parsed.from).toMatchObject({ value: [{ address: 'no-reply@wem.local' }] });
      expect(parsed.subject).toBe(mail.subject);
      expect(parsed.messageId).toContain(mail.id);
      expect(parsed.date).toBeInstanceOf(Date);
      const link = /^https:\/\/\S+$/m.exec(mail.text)![0];
      expect(parsed.text?.split('\n')).toContain(link);
      expect(parsed.html).toContain(`href="${link}"`);
    }
  });

  it('logs one line per mail that names the file but neither its link nor its code', async () => {
    const dataDir = tempDir();
    const capture = capturedLogger();
    const transport = fileMailTransport(path.join(dataDir, 'outbox'), capture.log);
    const codeMail: OutgoingMail = {
      id: newId(cryptoRandom),
      from: 'WEM Account <no-reply@wem.local>',
      to: 'jane@example.net',
      ...renderMail('code', 'en', { firstName: 'Jane', code: '604182', purpose: 'login', minutes: 10 }),
    };
    const mails = [activationMail('jane@example.net'), activationMail('piet@example.nl'), codeMail];

    for (const mail of mails) await transport.send(mail);

    const lines = capture.lines();
    expect(lines).toHaveLength(3);
    const files = emlFiles(dataDir);
    expect(
      capture
        .entries()
        .map((entry) => entry.outboxFile)
        .sort(),
    ).toEqual(files);
    const secrets = [
      ...mails.slice(0, 2).map((mail) => {
        const link = /^https:\/\/\S+$/m.exec(mail.text)![0];
        return new URL(link).searchParams.get('token')!.split('.')[1]!;
      }),
      '604182',
    ];
    for (const line of lines) {
      expect(line).not.toContain('activate?token=');
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  });

  it('is what an API without MAIL_URL delivers through: a signup ends up as an .eml file with a working link', async () => {
    const dataDir = tempDir();
    const database = await freshDatabase('sqlite', dataDir);
    cleanups.push(() => database.drop());
    const capture = capturedLogger();
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://127.0.0.1:4300', LOG_LEVEL: 'info' });
    expect(config.mailUrl).toBeUndefined();
    const api = await buildApp({
      config,
      database: database.handle,
      clock: new FixedClock(),
      logger: capture.log,
    });
    cleanups.push(() => api.close());

    const email = 'outbox.reader@example.net';
    const signup = await api.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: {
        firstName: 'Olga',
        lastName: 'Outbox',
        email,
        password: 'violet-harbour-lantern-42',
        locale: 'nl',
        acceptTerms: true,
      },
    });
    expect(signup.statusCode).toBe(202);
    expect(await api.worker.drain()).toBe(1);

    const files = emlFiles(dataDir);
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(files[0]!));
    expect(mail.to).toMatchObject({ value: [{ address: email }] });
    expect(mail.subject).toBe('Activeer je WEM-account');
    const link = mail.text
      ?.split('\n')
      .find((line) => line.startsWith('http://127.0.0.1:4300/activate?token='));
    expect(link).toBeDefined();
    const token = new URL(link!).searchParams.get('token')!;

    const activation = await api.app.inject({ method: 'POST', url: '/v1/activation', payload: { token } });
    expect(activation.statusCode).toBe(200);

    const written = capture.entries().filter((entry) => entry.msg === 'mail written to the outbox');
    expect(written).toHaveLength(1);
    expect(written[0].outboxFile).toBe(files[0]);
    for (const line of capture.lines()) expect(line).not.toContain(token.split('.')[1]);
  });
});
