import { expect, it, vi } from 'vitest';
import { canonicalMailbox } from '../../common/domain/email';
import { forEachDialect, type TestApi } from '../helpers/harness';
import { twoInstances } from '../helpers/instances';
import { bearer } from '../helpers/mfa';
import { SmsInbox, uniqueMobile } from '../helpers/mfa-factors';
import { subjectsTo } from '../helpers/trust';

/**
 * docs/security.md 33, the outside review's third finding: one enrollment session sent 30 SMS to 30
 * numbers and 30 code mails to strangers; the only cap was per literal destination. Sends are now
 * capped per target (canonical mailbox), flow, session, account, new destinations, IP, country and in
 * total; the owner hears about a pattern of their account being used for it.
 */

const limited = 'Many sign-in codes were requested for your WEM account';

async function enrollmentSession(
  t: TestApi,
  overrides: Parameters<TestApi['activeAccount']>[0] = {},
  from?: string,
) {
  const account = await t.activeAccount(overrides);
  const login = await t.request(
    'POST',
    '/v1/login',
    { email: account.email, password: account.password },
    {},
    from,
  );
  expect(login.body.state).toBe('mfa_enrollment_required');
  return { account, token: login.body.session.token as string };
}

function addEmail(t: Pick<TestApi, 'request'>, token: string, email: string, from?: string) {
  return t.request('POST', '/v1/me/factors', { type: 'email', email }, bearer(token), from);
}

function addSms(t: Pick<TestApi, 'request'>, token: string, phone: string, from?: string) {
  return t.request('POST', '/v1/me/factors', { type: 'sms', phone }, bearer(token), from);
}

async function mailsReaching(t: TestApi, mailbox: string): Promise<number> {
  await t.api.worker.drain();
  return t.smtp.received.filter((mail) => canonicalMailbox(mail.to) === mailbox).length;
}

const inbox = new SmsInbox();

forEachDialect(
  '33. code sends are capped',
  (t) => {
    it('lets one enrollment session mail codes to at most five strangers, and tells the owner once', async () => {
      const { account, token } = await enrollmentSession(t());
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++)
        statuses.push((await addEmail(t(), token, `stranger${i}@example.org`)).status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
      await t().api.worker.drain();
      const strangers = t().smtp.received.filter((mail) => mail.to.startsWith('stranger'));
      expect(strangers).toHaveLength(5);
      expect((await subjectsTo(t(), account.email)).filter((s) => s === limited)).toHaveLength(1);
    });

    it('texts at most three numbers from one new account, whatever the countries', async () => {
      const { token } = await enrollmentSession(t());
      const before = inbox.sent.length;
      const numbers = ['+32470123456', '+4915112345678', '+447700900123', '+33612345678'];
      for (let i = 0; i < 26; i++) numbers.push(uniqueMobile());
      const statuses: number[] = [];
      for (const number of numbers) statuses.push((await addSms(t(), token, number)).status);
      await t().api.worker.drain();
      expect(inbox.sent.length - before).toBe(3);
      expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    });

    it('counts plus-addressed and dotted spellings of one mailbox as one target', async () => {
      let attempts = 0;
      for (let a = 0; a < 3; a++) {
        const { token } = await enrollmentSession(t());
        for (let i = 0; i < 6; i++) {
          attempts += 1;
          await addEmail(t(), token, `Vic.Tim+${a}x${i}@GoogleMail.com`);
        }
      }
      expect(attempts).toBe(18);
      expect(await mailsReaching(t(), 'victim@gmail.com')).toBe(10);
    });

    it('puts nothing an attacker typed into a code mail to an address that is not the account’s', async () => {
      const { token } = await enrollmentSession(t(), {
        firstName: 'Claim your prize at https://evil.example',
      });
      expect((await addEmail(t(), token, 'stranger@example.org')).status).toBe(201);
      await t().api.worker.drain();
      const [mail] = t().smtp.to('stranger@example.org');
      expect(mail?.text).toMatch(/^Hello,$/m);
      expect(mail?.text).not.toContain('evil.example');
      expect(mail?.html).not.toContain('evil.example');
    });

    it('caps texts from one client address over many cheap accounts', async () => {
      const from = '198.51.100.7';
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const { token } = await enrollmentSession(t(), {}, from);
        statuses.push((await addSms(t(), token, uniqueMobile(), from)).status);
      }
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.slice(10)).toEqual([429, 429]);
    });

    it("keeps a new account's texts to its own number within a small daily budget", async () => {
      const { token } = await enrollmentSession(t());
      const phone = uniqueMobile();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await addSms(t(), token, phone)).status);
        t().clock.advance(30 * 60_000);
      }
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    });
  },
  { smsProvider: inbox },
);

forEachDialect(
  '33. SMS countries and totals',
  (t) => {
    it('refuses numbers outside SMS_ALLOWED_COUNTRIES when it is set', async () => {
      const { token } = await enrollmentSession(t());
      const refused = await addSms(t(), token, '+32470123456');
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_phone', reason: 'country_not_allowed' });
      expect((await addSms(t(), token, uniqueMobile())).status).toBe(201);
    });

    it('throttles one country prefix and all texts together, over every account', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const { token } = await enrollmentSession(t(), {}, `203.0.113.${i}`);
        statuses.push((await addSms(t(), token, uniqueMobile(), `203.0.113.${i}`)).status);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
    });
  },
  {
    smsProvider: new SmsInbox(),
    env: { SMS_ALLOWED_COUNTRIES: 'NL,DE', SMS_COUNTRY_HOURLY_LIMIT: '3', SMS_HOURLY_LIMIT: '100' },
  },
);

forEachDialect(
  '33. the total cap',
  (t) => {
    it('stops every SMS once SMS_HOURLY_LIMIT is reached, and sends again the next hour', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { token } = await enrollmentSession(t(), {}, `192.0.2.${i}`);
        statuses.push((await addSms(t(), token, uniqueMobile(), `192.0.2.${i}`)).status);
      }
      expect(statuses).toEqual([201, 201, 429]);
      t().clock.advance(3_600_000);
      const { token } = await enrollmentSession(t(), {}, '192.0.2.9');
      expect((await addSms(t(), token, uniqueMobile(), '192.0.2.9')).status).toBe(201);
    });
  },
  { smsProvider: new SmsInbox(), env: { SMS_HOURLY_LIMIT: '2' } },
);

for (const dialect of ['sqlite', 'postgres'] as const) {
  it(`33. shares the caps between two instances [${dialect}]`, async () => {
    const pair = await twoInstances(dialect);
    try {
      const account = await pair.first.activeAccount();
      const login = await pair.first.request('POST', '/v1/login', {
        email: account.email,
        password: account.password,
      });
      const token: string = login.body.session.token;
      const instances = [pair.first, pair.second];
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await addEmail(instances[i % 2]!, token, `far${i}@example.org`)).status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(5);
      // Both instances' workers deliver (a kick starts one in the background): wait for all five.
      await vi.waitFor(
        async () => {
          await pair.first.api.worker.drain();
          await pair.second.api.worker.drain();
          expect(pair.first.smtp.received.filter((mail) => mail.to.startsWith('far'))).toHaveLength(5);
        },
        { timeout: 10_000, interval: 100 },
      );

      // A burst in parallel over both: set-ups of one kind replace each other (404), none fails.
      const other = await pair.first.activeAccount();
      const second = await pair.second.request('POST', '/v1/login', {
        email: other.email,
        password: other.password,
      });
      const burst = await pair.spread(20, (via, i) =>
        addEmail(via, second.body.session.token, `near${i}@example.org`),
      );
      expect(burst.every((r) => [201, 404, 429].includes(r.status))).toBe(true);
      expect(burst.filter((r) => r.status !== 429).length).toBeLessThanOrEqual(5);
    } finally {
      await pair.close();
    }
  });
}
