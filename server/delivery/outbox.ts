import type { Transaction } from 'kysely';
import type { Locale } from '../../common/contract/fields';
import type { Database, Db } from '../db/schema';
import type { Clock } from '../support/clock';
import { newId, type Random } from '../support/random';
import type { SecretBox } from '../support/secret-key';
import { outboxStore } from './outbox-store';
import { renderMail, type MailTemplate, type MailVariables } from './mail-templates';

export interface QueuedSms {
  to: string;
  body: string;
}

export interface QueuedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * The transactional outbox: a mail is a row written in the same transaction as the change it reports,
 * so a committed signup always has its mail and a rolled-back one never does. The worker delivers it
 * later. The payload is sealed with the server key because mails carry links and codes.
 */
export class Outbox {
  /** Transactions that queued a message: `committed` starts delivery for them. */
  private readonly queuedIn = new WeakSet<Transaction<Database>>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly box: SecretBox,
    private readonly onQueued: () => void = () => {},
  ) {}

  async queueMail<T extends MailTemplate>(
    trx: Db,
    message: { to: string; locale: Locale; template: T; variables: MailVariables[T] },
  ): Promise<string> {
    const rendered = renderMail(message.template, message.locale, message.variables);
    return this.insert(trx, 'mail', message.template, { to: message.to, ...rendered } satisfies QueuedMail);
  }

  /** A text message; like mail, it leaves only once the transaction that queued it commits. */
  async queueSms(trx: Db, message: { to: string; body: string; template: string }): Promise<string> {
    return this.insert(trx, 'sms', message.template, {
      to: message.to,
      body: message.body,
    } satisfies QueuedSms);
  }

  private async insert(
    trx: Db,
    channel: 'mail' | 'sms',
    template: string,
    payload: QueuedMail | QueuedSms,
  ): Promise<string> {
    const id = newId(this.random);
    const now = this.clock.now();
    await outboxStore.insert(trx, {
      id,
      channel,
      template,
      payload: this.box.seal(JSON.stringify(payload)),
      created_at: now,
      next_attempt_at: now,
      claimed_until: null,
      sent_at: null,
      failed_at: null,
      last_error: null,
    });
    // Outside a transaction the row is there now; inside one, only once it commits (see committed()).
    if (trx.isTransaction) this.queuedIn.add(trx as Transaction<Database>);
    else this.onQueued();
    return id;
  }

  /** After a transaction committed: deliver what it queued without waiting for a poll. */
  committed(trx: Transaction<Database>): void {
    if (!this.queuedIn.delete(trx)) return;
    this.onQueued();
  }

  /** Starts delivery now (the worker's own retries, tests). Services use transact() instead. */
  kick(): void {
    this.onQueued();
  }

  /**
   * Removes undelivered messages to any of `recipients` (addresses or numbers, compared without case):
   * a deleted account's mail must not leave after it is gone. Payloads are sealed, so each unsent
   * message is opened to see where it goes; only the few not yet delivered are read.
   */
  async removeUnsentTo(db: Db, recipients: readonly string[]): Promise<number> {
    const wanted = new Set(recipients.map((r) => r.toLowerCase()));
    const unsent = await db
      .selectFrom('outbox')
      .select(['id', 'payload'])
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .where('payload', 'is not', null)
      .execute();
    const doomed = unsent
      .filter((row) => row.payload !== null && wanted.has(this.recipientOf(row.payload)))
      .map((row) => row.id);
    if (doomed.length > 0) await db.deleteFrom('outbox').where('id', 'in', doomed).execute();
    return doomed.length;
  }

  private recipientOf(sealed: string): string {
    try {
      return (JSON.parse(this.box.open(sealed)) as { to: string }).to.toLowerCase();
    } catch {
      // Sealed with a key this server no longer has: not ours to judge, left for the worker.
      return '';
    }
  }

  open(sealed: string): QueuedMail {
    return JSON.parse(this.box.open(sealed)) as QueuedMail;
  }

  openSms(sealed: string): QueuedSms {
    return JSON.parse(this.box.open(sealed)) as QueuedSms;
  }
}
