import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server), so mail goes through nodemailer and the protocol end to
 * end. It can be told to refuse mail, to play a server that is down or failing.
 */
export class SmtpPeer {
  readonly received: ReceivedMail[] = [];
  private refusing = false;
  private server: SMTPServer | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail: ParsedMail) => {
            if (this.refusing) {
              callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 451 }));
              return;
            }
            this.received.push({
              to: (Array.isArray(mail.to) ? mail.to : [mail.to])
                .flatMap((a) => a?.value.map((v) => v.address ?? '') ?? [])
                .join(','),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
            });
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Answer every message with a temporary failure (451) until `accept()`. */
  refuse(): void {
    this.refusing = true;
  }

  accept(): void {
    this.refusing = false;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.toLowerCase() === address.toLowerCase());
  }
}

/** The activation link (or any link) in a mail's text part. */
export function linkIn(mail: ReceivedMail, pattern = /https?:\/\/\S+\/activate\?token=\S+/): string {
  const match = pattern.exec(mail.text);
  if (!match) throw new Error(`No link in mail "${mail.subject}":\n${mail.text}`);
  return match[0];
}

export function activationTokenIn(mail: ReceivedMail): string {
  return decodeURIComponent(new URL(linkIn(mail)).searchParams.get('token') ?? '');
}
