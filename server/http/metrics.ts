import { createHash, timingSafeEqual } from 'node:crypto';
import { outboxStore } from '../delivery/outbox-store';
import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { endpoints } from '../../common/contract/endpoints';
import type { Database } from '../db/schema';
import { ApiError } from './api-error';
import type { ApiInstance } from './route-types';

/** The routes whose answers are login outcomes, and the step of the login each one is. */
const loginSteps: Record<string, string> = {
  [endpoints.login.path]: 'password',
  [endpoints.verifyLogin.path]: 'second_factor',
};

/**
 * Prometheus metrics of one instance: Node's process metrics, every HTTP request by route template
 * and status, the outbox (queue depth read from the database, delivery failures seen by this
 * instance's worker) and login outcomes. GET /metrics serves them to a scraper that presents
 * METRICS_TOKEN as a bearer token; without a token configured, nothing is collected or served.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;
  private readonly deliveryFailures: Counter<'channel' | 'permanent'>;
  private readonly logins: Counter<'step' | 'outcome'>;

  constructor(
    private readonly token: string,
    db: Kysely<Database>,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'wem_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'wem_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.deliveryFailures = new Counter({
      name: 'wem_outbox_delivery_failures_total',
      help: 'Failed mail and SMS delivery attempts of this instance (permanent: not retried)',
      labelNames: ['channel', 'permanent'],
      registers,
    });
    this.logins = new Counter({
      name: 'wem_login_outcomes_total',
      help: 'Answers to login steps: a state (authenticated, mfa_required, …) or an error code',
      labelNames: ['step', 'outcome'],
      registers,
    });
    new Gauge({
      name: 'wem_outbox_queue_depth',
      help: 'Messages waiting to be delivered (all instances share the queue)',
      labelNames: ['channel'],
      registers,
      async collect() {
        const waiting = await outboxStore.waitingByChannel(db).catch(() => undefined);
        this.reset();
        // Unreadable while the database is away: the series is absent rather than a false zero.
        if (!waiting) return;
        for (const channel of ['mail', 'sms']) this.set({ channel }, waiting.get(channel) ?? 0);
      },
    });
  }

  /** For the outbox worker's onDeliveryFailed. */
  readonly deliveryFailed = (channel: string, permanent: boolean): void => {
    this.deliveryFailures.inc({ channel, permanent: String(permanent) });
  };

  /** Adds the hooks that count requests and login outcomes, and the GET /metrics route. */
  install(app: ApiInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const labels = {
        method: request.method,
        // The template, not the URL: ids and tokens would make a series per request.
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      };
      this.requests.inc(labels);
      this.durations.observe(labels, reply.elapsedTime / 1000);
    });
    app.addHook('onSend', async (request, _reply, payload) => {
      const step = loginSteps[request.routeOptions.url ?? ''];
      if (step && request.method === 'POST') this.logins.inc({ step, outcome: outcomeOf(payload) });
      return payload;
    });
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!this.authorised(request.headers.authorization)) throw new ApiError('unauthenticated');
      const text = await this.registry.metrics();
      return reply.header('content-type', this.registry.contentType).send(text);
    });
  }

  private authorised(header: string | undefined): boolean {
    const presented = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
    // Hashing first gives equal lengths, so the comparison takes the same time for any token.
    const digest = (text: string) => createHash('sha256').update(text).digest();
    return timingSafeEqual(digest(presented), digest(this.token));
  }
}

/** `state` of a login answer, or its error code; "other" for anything else (never the body itself). */
function outcomeOf(payload: unknown): string {
  if (typeof payload !== 'string') return 'other';
  try {
    const body: unknown = JSON.parse(payload);
    if (typeof body !== 'object' || body === null) return 'other';
    if ('state' in body && typeof body.state === 'string') return body.state;
    if ('error' in body && typeof body.error === 'object' && body.error !== null && 'code' in body.error)
      return String(body.error.code);
  } catch {
    // Not JSON: not one of ours.
  }
  return 'other';
}
