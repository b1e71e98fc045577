import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

/** One message as it leaves the outbox. `id` is stable across retries, so receivers can deduplicate. */
export interface OutgoingMail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  readonly kind: string;
  send(mail: OutgoingMail): Promise<void>;
  close?(): void;
}

function messageId(mail: OutgoingMail): string {
  return `<${mail.id}@wem-account>`;
}

/** Real delivery through an SMTP server (MAIL_URL). */
export function smtpTransport(mailUrl: string): MailTransport {
  // Bounded waits: a mail server that hangs must not stall the worker for nodemailer's default 10 min.
  const transporter = nodemailer.createTransport({
    url: mailUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail({ ...mail, messageId: messageId(mail) });
    },
    close: () => transporter.close(),
  };
}

/**
 * The embedded default: each mail becomes an .eml file under DATA_DIR/outbox/mail, so the whole product
 * runs with no mail server. Written to a temporary name first, then renamed: a reader never sees half.
 */
export function fileMailTransport(outboxDir: string, log: Logger): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = path.join(outboxDir, 'mail');
  return {
    kind: 'outbox',
    async send(mail) {
      const info = await composer.sendMail({ ...mail, messageId: messageId(mail) });
      await mkdir(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `${stamp}-${mail.id}.eml`);
      await writeFile(`${file}.tmp`, info.message as Buffer, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
      // The file is the delivery; the log names it without its content, not even the subject: links and
      // one-time codes travel in mails, and a code mail names its code in the subject.
      log.info({ outboxFile: file }, 'mail written to the outbox');
    },
  };
}
