import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Dialect } from '../db/connect';
import type { Database, OutboxTable } from '../db/schema';
import { outboxStore } from './outbox-store';
import type { Clock } from '../support/clock';
import type { Outbox } from './outbox';
import type { MailTransport } from './transports';
import { SmsDeliveryError, type SmsProvider } from './sms';

export interface OutboxWorkerOptions {
  from: string;
  pollMs?: number;
  batchSize?: number;
  /** Where text messages go; without one, queued SMS fail permanently. */
  sms?: SmsProvider;
  /** How long a claimed message is ours before another instance may take it over (crash safety). */
  leaseMs?: number;
  /** Told of every failed delivery attempt (for /metrics). */
  onDeliveryFailed?: (channel: string, permanent: boolean) => void;
}

/** 5 s, 10 s, 20 s … capped at 15 minutes: SMTP outages of hours lose nothing and do not hammer. */
export function retryDelay(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
}

/**
 * Delivers queued mail. Each instance claims a batch with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL,
 * the single writer lock on SQLite), sends, and marks each message sent, clearing its payload. The lease
 * is short and kept alive while a message is being sent, so after a crash another instance (or the
 * restarted one) takes the message over within seconds. A crash between send and mark means the message
 * is sent again: at-least-once, with a stable Message-ID so receivers can drop the duplicate.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly outbox: Outbox,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: OutboxWorkerOptions,
  ) {
    this.pollMs = options.pollMs ?? 2_000;
    this.batchSize = options.batchSize ?? 20;
    this.leaseMs = options.leaseMs ?? 15_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Deliver now (called after a commit that queued mail). Coalesces with a run in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close?.();
  }

  /** Deliver everything that is due, then return how many were sent. Tests and shutdown use it. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.runOnce();
      sent += batch.sent;
      if (batch.claimed === 0) return sent;
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        this.schedule(this.again ? 0 : this.pollMs);
        this.again = false;
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      let batch;
      do {
        batch = await this.runOnce();
      } while (batch.claimed === this.batchSize && !this.stopped);
    } catch (error) {
      this.log.warn({ err: error }, 'outbox run failed; will retry');
    }
  }

  async runOnce(): Promise<{ claimed: number; sent: number }> {
    const rows = await this.claim();
    let sent = 0;
    for (const row of rows) {
      if (await this.deliver(row)) sent++;
    }
    return { claimed: rows.length, sent };
  }

  private async claim(): Promise<Selectable<OutboxTable>[]> {
    const now = this.clock.now();
    return outboxStore.claimDue(this.db, this.dialect, now, this.leaseMs, this.batchSize);
  }

  private async send(row: Selectable<OutboxTable>, payload: string): Promise<string> {
    if (row.channel === 'sms') {
      if (!this.options.sms) throw new SmsDeliveryError('No SMS provider configured', { permanent: true });
      await this.options.sms.send({ id: row.id, ...this.outbox.openSms(payload) });
      return this.options.sms.kind;
    }
    await this.transport.send({ id: row.id, from: this.options.from, ...this.outbox.open(payload) });
    return this.transport.kind;
  }

  /**
   * Keeps our claim on a message alive while we send it, so the lease can be short (the messages of a
   * crashed instance go out within `leaseMs` of its last sign of life) however slow the mail server is.
   * Undefined when our lease ran out and another instance has claimed the message since: it is theirs.
   */
  private async holdClaim(row: Selectable<OutboxTable>): Promise<{ release(): void } | undefined> {
    let claimedUntil = row.claimed_until;
    const renew = async (): Promise<boolean> => {
      if (claimedUntil === null) return false;
      const next = this.clock.now() + this.leaseMs;
      if (!(await outboxStore.renewClaim(this.db, row.id, claimedUntil, next))) return false;
      claimedUntil = next;
      return true;
    };
    if (!(await renew())) return undefined;
    const heartbeat = setInterval(() => {
      renew().catch((error: unknown) =>
        this.log.warn({ err: error, outboxId: row.id }, 'could not extend the claim on a message'),
      );
    }, this.leaseMs / 3);
    heartbeat.unref();
    return { release: () => clearInterval(heartbeat) };
  }

  private async deliver(row: Selectable<OutboxTable>): Promise<boolean> {
    if (!row.payload) return false;
    const claim = await this.holdClaim(row);
    if (!claim) return false;
    try {
      const via = await this.send(row, row.payload).finally(() => claim.release());
      await outboxStore.markSent(this.db, row.id, this.clock.now());
      this.log.info(
        { outboxId: row.id, channel: row.channel, template: row.template, transport: via },
        'message delivered',
      );
      return true;
    } catch (error) {
      const attempts = row.attempts + 1;
      const reason = error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
      const permanent = error instanceof SmsDeliveryError && error.permanent;
      this.options.onDeliveryFailed?.(row.channel, permanent);
      if (permanent) {
        // The provider refused the message itself (e.g. an unreachable number): retrying cannot help.
        await outboxStore.markFailed(this.db, row.id, attempts, this.clock.now(), reason);
        this.log.warn(
          { outboxId: row.id, channel: row.channel, template: row.template, reason },
          'message refused by the provider; not retried',
        );
        return false;
      }
      await outboxStore.scheduleRetry(
        this.db,
        row.id,
        attempts,
        this.clock.now() + retryDelay(attempts),
        reason,
      );
      this.log.warn(
        { outboxId: row.id, channel: row.channel, template: row.template, attempts, reason },
        'delivery failed; will retry',
      );
      return false;
    }
  }
}
