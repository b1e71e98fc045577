import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditLog } from './admin/audit-log';
import type { PasswordHasher } from './accounts/password-hasher';
import type { Config } from './config';
import type { Dialect } from './db/connect';
import type { Database } from './db/schema';
import type { Outbox } from './delivery/outbox';
import type { RateLimiter } from './http/rate-limiter';
import type { Clock } from './support/clock';
import type { Random } from './support/random';

/** What every service may be handed. Built once in app.ts (the composition root). */
export interface ServerContext {
  config: Config;
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  random: Random;
  hasher: PasswordHasher;
  outbox: Outbox;
  audit: AuditLog;
  limiter: RateLimiter;
  log: Logger;
}
