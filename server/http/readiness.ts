import { sql, type Kysely } from 'kysely';
import { endpoints } from '../../common/contract/endpoints';
import { pendingMigrations } from '../db/migrate';
import type { Database } from '../db/schema';
import { ApiError } from './api-error';
import { route, type ApiInstance } from './route-types';

/** How long the database may take to answer before the instance counts as not ready. */
export const readinessTimeoutMs = 1_000;

/**
 * GET /readyz tells a load balancer whether to send this instance traffic: the database answers a
 * trivial query within a second and has every migration this build knows. /healthz stays liveness
 * (the process serves), so an orchestrator restarts a wedged process, not one whose database is away.
 */
export function readinessRoutes(
  app: ApiInstance,
  db: Kysely<Database>,
  timeoutMs = readinessTimeoutMs,
): void {
  route(app, endpoints.ready, [], async (request) => {
    const problem = await withinTime(databaseProblem(db), timeoutMs);
    if (problem !== undefined) {
      request.log.warn({ problem }, 'not ready');
      throw new ApiError('service_unavailable', { retryAfterSeconds: 5 });
    }
    return { status: 'ready' as const };
  });
}

/** Undefined when ready, else a short reason for the log (never sent to the client). */
async function databaseProblem(db: Kysely<Database>): Promise<string | undefined> {
  try {
    await sql`select 1`.execute(db);
    const pending = await pendingMigrations(db);
    return pending.length === 0 ? undefined : `migrations not applied: ${pending.join(', ')}`;
  } catch (error) {
    return `database unreachable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function withinTime(check: Promise<string | undefined>, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`database did not answer within ${ms} ms`), ms);
  });
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
