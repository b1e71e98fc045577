/** Driver errors, named by what they mean for us, for both dialects. */

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Driver codes of a database that is away, restarting, overloaded or too slow: network errors,
 * PostgreSQL's connection exceptions (08…), shutdowns (57P0…), statement_timeout (57014), too many
 * connections (53300), and SQLite's busy timeout (SQLITE_BUSY…).
 */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** pg's own errors carry no code, only these messages (connection lost, pool or query timeouts). */
const unavailableMessages =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client has encountered a connection error/i;

/** The database is not reachable, restarting or too slow to answer: a 503 the client may retry, not a 500. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  const code = codeOf(error);
  if (code && (unavailableCodes.has(code) || code.startsWith('SQLITE_BUSY'))) return true;
  if (!(error instanceof Error)) return false;
  if (unavailableMessages.test(error.message)) return true;
  // pg-pool wraps some of them ('Connection terminated due to connection timeout', cause: …).
  return depth < 3 && error.cause !== undefined && isDatabaseUnavailable(error.cause, depth + 1);
}
