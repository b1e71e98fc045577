import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';
import { forEachDialect, startTestApi, type TestApi } from '../helpers/harness';

// GET /metrics (docs/operations.md): Prometheus text for a scraper that presents METRICS_TOKEN.

const token = 'scrape-7f3c9a1e5b2d8f4c6a0e9b1d';
const scraper = { authorization: `Bearer ${token}` };

/** The value of one sample line of the exposition text, e.g. `name{a="b"}`, or undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(t: TestApi): Promise<string> {
  const response = await t.request('GET', '/metrics', undefined, scraper);
  expect(response.status).toBe(200);
  expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
  return String(response.body);
}

forEachDialect(
  'metrics',
  (t) => {
    it('refuses a scraper without the token or with a wrong one, with the contract error', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer wrong-token' },
        { authorization: token },
      ];
      for (const headers of attempts) {
        const response = await t().request('GET', '/metrics', undefined, headers);
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe('unauthenticated');
        expect(JSON.stringify(response.body)).not.toContain('process_cpu');
      }
    });

    it('counts requests by route template and status, and login outcomes', async () => {
      const account = await t().activeAccount();
      await t().request('POST', '/v1/login', { email: account.email, password: 'not-the-password-1' });
      await t().request('POST', '/v1/login', { email: account.email, password: account.password });
      await t().request('POST', '/v1/login/no-such-login/verify', { factorId: 'x', code: '123456' });
      const text = await scrape(t());
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('nodejs_heap_size_used_bytes');
      expect(sample(text, 'wem_http_requests_total{method="POST",route="/v1/accounts",status="202"}')).toBe(
        1,
      );
      expect(sample(text, 'wem_http_requests_total{method="POST",route="/v1/login",status="401"}')).toBe(1);
      expect(
        sample(
          text,
          'wem_http_request_duration_seconds_count{method="POST",route="/v1/activation",status="200"}',
        ),
      ).toBe(1);
      expect(sample(text, 'wem_login_outcomes_total{step="password",outcome="invalid_credentials"}')).toBe(1);
      expect(
        sample(text, 'wem_login_outcomes_total{step="password",outcome="mfa_enrollment_required"}'),
      ).toBe(1);
      expect(sample(text, 'wem_login_outcomes_total{step="second_factor",outcome="login_not_found"}')).toBe(
        1,
      );
      // Ids in URLs do not become series of their own.
      expect(text).not.toContain('no-such-login');
    });

    it('shows the mail waiting in the outbox and the failed delivery attempts', async () => {
      t().smtp.refuse();
      await t().signup();
      await t().signup();
      expect(sample(await scrape(t()), 'wem_outbox_queue_depth{channel="mail"}')).toBe(2);
      await t().api.worker.drain();
      const failing = await scrape(t());
      expect(sample(failing, 'wem_outbox_delivery_failures_total{channel="mail",permanent="false"}')).toBe(2);
      expect(sample(failing, 'wem_outbox_queue_depth{channel="mail"}')).toBe(2);
      t().smtp.accept();
      t().clock.advance(60_000);
      await t().api.worker.drain();
      expect(sample(await scrape(t()), 'wem_outbox_queue_depth{channel="mail"}')).toBe(0);
    });
  },
  { env: { METRICS_TOKEN: token } },
);

describe('metrics switched off', () => {
  it('serves no /metrics when METRICS_TOKEN is not set', async () => {
    const t = await startTestApi('sqlite');
    try {
      const response = await t.request('GET', '/metrics', undefined, scraper);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    } finally {
      await t.close();
    }
  });

  it('refuses a METRICS_TOKEN too short or with spaces to be a secret', () => {
    for (const value of ['short', 'has spaces but is long enough to pass']) {
      expect(() => loadConfig({ METRICS_TOKEN: value })).toThrow(ConfigError);
    }
  });
});
