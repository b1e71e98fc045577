import http from 'node:http';
import autocannon from 'autocannon';
import { generateSync } from 'otplib';
import { z } from 'zod';
import { totpParameters } from '../../server/mfa/totp';
import { runOpenLoop } from '../lib/open-loop';
import { serveJobs } from '../lib/processes';

/**
 * The load generator, on its own core. Closed loop (N clients, each sending its next request when the
 * last one is answered) for throughput; open loop (evenly spaced, latency from the due time) for
 * latency; autocannon where the server answers faster than Node's own HTTP client can ask (the bare
 * route and GET /v1/me). Every answer is checked: a fast error must not pass for a fast login.
 */

const scenario = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('login'), emails: z.array(z.string()).min(1), password: z.string() }),
  z.object({
    kind: z.literal('totp-verify'),
    items: z.array(z.object({ loginId: z.string(), factorId: z.string(), seed: z.string() })),
  }),
  z.object({
    kind: z.literal('email-verify'),
    items: z.array(z.object({ loginId: z.string(), factorId: z.string(), code: z.string() })),
  }),
]);
type Scenario = z.infer<typeof scenario>;

const job = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('closed'),
    url: z.string(),
    connections: z.number().int().positive(),
    /** Stop sending after this long; without it, when the scenario's items run out. */
    durationMs: z.number().positive().optional(),
    scenario,
  }),
  z.object({
    mode: z.literal('open'),
    url: z.string(),
    ratePerSecond: z.number().positive(),
    durationMs: z.number().positive(),
    scenario,
  }),
  z.object({
    mode: z.literal('autocannon'),
    url: z.string(),
    path: z.string(),
    token: z.string().optional(),
    connections: z.number().int().positive(),
    durationSeconds: z.number().positive(),
    /** A response body must contain this to count. */
    expect: z.string(),
  }),
]);

interface PlannedRequest {
  method: 'POST';
  path: string;
  body: string;
  /** The answer that means it worked. */
  expect: (status: number, body: string) => boolean;
}

const stateIs = (state: string) => (status: number, body: string) =>
  status === 200 && body.includes(`"state":"${state}"`);

/** The scenario's next request, or undefined when a one-use scenario has none left. */
function planner(plan: Scenario): () => PlannedRequest | undefined {
  let next = 0;
  switch (plan.kind) {
    case 'login':
      // Round robin: with more accounts than requests in flight, no account is ever asked twice at
      // once, so logins never contend for one password-guard row (real, but not what is measured).
      return () => ({
        method: 'POST',
        path: '/v1/login',
        body: JSON.stringify({ email: plan.emails[next++ % plan.emails.length], password: plan.password }),
        expect: stateIs('mfa_required'),
      });
    case 'totp-verify':
      return () => {
        const item = plan.items[next++];
        if (!item) return undefined;
        // The code of this moment, made when sent: the server accepts it once, one step either side.
        const code = generateSync({ secret: item.seed, ...totpParameters });
        return {
          method: 'POST',
          path: `/v1/login/${item.loginId}/verify`,
          body: JSON.stringify({ factorId: item.factorId, code }),
          expect: stateIs('authenticated'),
        };
      };
    case 'email-verify':
      return () => {
        const item = plan.items[next++];
        if (!item) return undefined;
        return {
          method: 'POST',
          path: `/v1/login/${item.loginId}/verify`,
          body: JSON.stringify({ factorId: item.factorId, code: item.code }),
          expect: stateIs('authenticated'),
        };
      };
  }
}

function sender(url: string, connections: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const failureSamples: string[] = [];
  const send = (request: PlannedRequest) =>
    new Promise<boolean>((resolve) => {
      const outgoing = http.request(
        `${url}${request.path}`,
        {
          method: request.method,
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const ok = request.expect(response.statusCode ?? 0, body);
            if (!ok && failureSamples.length < 5)
              failureSamples.push(`${response.statusCode} ${body.slice(0, 300)}`);
            resolve(ok);
          });
        },
      );
      outgoing.on('error', (error) => {
        if (failureSamples.length < 5) failureSamples.push(error.message);
        resolve(false);
      });
      outgoing.end(request.body);
    });
  return { send, failureSamples, close: () => agent.destroy() };
}

/** N clients back to back. Completion times (ms after the start) let the parent take a steady window. */
async function closedLoop(request: Extract<z.infer<typeof job>, { mode: 'closed' }>) {
  const next = planner(request.scenario);
  const client = sender(request.url, request.connections);
  const completedAtMs: number[] = [];
  let failed = 0;
  let lastSendMs = 0;
  const start = performance.now();
  const stopAt = request.durationMs === undefined ? Infinity : start + request.durationMs;
  await Promise.all(
    Array.from({ length: request.connections }, async () => {
      for (;;) {
        if (performance.now() >= stopAt) return;
        const planned = next();
        if (!planned) return;
        lastSendMs = performance.now() - start;
        if (await client.send(planned)) completedAtMs.push(performance.now() - start);
        else failed++;
      }
    }),
  );
  client.close();
  return { completedAtMs, lastSendMs, failed, failureSamples: client.failureSamples };
}

async function openLoop(request: Extract<z.infer<typeof job>, { mode: 'open' }>) {
  const next = planner(request.scenario);
  const client = sender(request.url, 256);
  const result = await runOpenLoop({
    ratePerSecond: request.ratePerSecond,
    durationMs: request.durationMs,
    send: (index) => {
      const planned = next();
      if (!planned) return Promise.reject(new Error(`scenario ran out at request ${index}`));
      return client.send(planned);
    },
  });
  client.close();
  return { ...result, failureSamples: client.failureSamples };
}

async function autocannonRun(request: Extract<z.infer<typeof job>, { mode: 'autocannon' }>) {
  const result = await autocannon({
    url: `${request.url}${request.path}`,
    connections: request.connections,
    duration: request.durationSeconds,
    headers: request.token ? { authorization: `Bearer ${request.token}` } : {},
    verifyBody: (body) => typeof body === 'string' && body.includes(request.expect),
  });
  const ok = result['2xx'] - result.mismatches;
  return {
    rate: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    mismatches: result.mismatches,
    seconds: result.duration,
  };
}

serveJobs(async (raw) => {
  const request = job.parse(raw);
  if (request.mode === 'closed') return closedLoop(request);
  if (request.mode === 'open') return openLoop(request);
  return autocannonRun(request);
}, {});
