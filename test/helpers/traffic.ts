import { errorBody } from '../../common/contract/http';
import { statusOf } from '../../common/contract/errors';

/**
 * Real HTTP traffic for the fault and soak tests: requests over a socket to an API on 127.0.0.1, each
 * with a deadline, recorded with what came back and how long it took.
 */

export interface Answer {
  /** The HTTP status, or 'timeout' when no answer came within the deadline, or 'no answer' (socket error). */
  status: number | 'timeout' | 'no answer';
  /** The contract error code when the body is one. */
  code: string | undefined;
  body: unknown;
  retryAfter: string | null;
  ms: number;
}

export interface Call {
  method: string;
  path: string;
  body?: unknown;
  token?: string;
  /** Sent as X-Forwarded-For: one simulated client behind the proxy (the API runs with TRUST_PROXY). */
  client?: string;
}

/** Sends one JSON request to `baseUrl` and waits at most `deadlineMs` for the whole answer. */
export async function call(baseUrl: string, request: Call, deadlineMs: number): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.client) headers['x-forwarded-for'] = request.client;
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(deadlineMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text, and the checks below say so.
    }
    const parsed = errorBody.safeParse(body);
    return {
      status: response.status,
      code: parsed.success ? parsed.data.error.code : undefined,
      body,
      retryAfter: response.headers.get('retry-after'),
      ms: performance.now() - started,
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      status: timedOut ? 'timeout' : 'no answer',
      code: undefined,
      body: error instanceof Error ? error.message : String(error),
      retryAfter: null,
      ms: performance.now() - started,
    };
  }
}

/**
 * What is wrong with an answer by the contract (docs/api.md), or undefined when nothing is: a success, a 4xx
 * with a catalogue code at that code's status, or (only when `outage` is true) a 503
 * service_unavailable with Retry-After. Never a 500, never silence.
 */
export function contractProblem(answer: Answer, outage: boolean): string | undefined {
  if (typeof answer.status !== 'number') return `${answer.status} after ${Math.round(answer.ms)} ms`;
  if (answer.status < 400) return undefined;
  if (answer.code === undefined) return `${answer.status} without a contract error body`;
  if (statusOf(answer.code as Parameters<typeof statusOf>[0]) !== answer.status)
    return `${answer.status} with code ${answer.code}`;
  if (answer.status < 500) return undefined;
  if (!outage) return `${answer.status} ${answer.code} while the database was up`;
  if (answer.code !== 'service_unavailable') return `${answer.status} ${answer.code}`;
  if (answer.retryAfter === null) return '503 without Retry-After';
  return undefined;
}

/** How many of each status (or 'timeout') were answered: the shape of a run, for failure messages. */
export function tally(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = `${answer.status}${answer.code ? ` ${answer.code}` : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * Runs `next(worker)` in `workers` parallel loops until `stop()` is called; `stopped` resolves once
 * every loop has finished the call it was in.
 */
export function loadLoop(
  workers: number,
  next: (worker: number) => Promise<void>,
): { stop(): void; stopped: Promise<void> } {
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    while (running) await next(worker);
  });
  return {
    stop: () => {
      running = false;
    },
    stopped: Promise.all(loops).then(() => undefined),
  };
}
