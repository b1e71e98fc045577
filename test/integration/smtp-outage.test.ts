import { expect, it } from 'vitest';
import { retryDelay } from '../../server/delivery/outbox-worker';
import { forEachDialect, uniqueEmail, type TestApi } from '../helpers/harness';
import { activationTokenIn } from '../helpers/smtp-peer';

// docs/security.md 27: with the mail server down, signup still succeeds, the mail waits in the outbox and
// goes out (once) when the mail server is back.

const signupFields = (email: string) => ({
  firstName: 'Noor',
  lastName: 'Outage',
  email,
  password: 'violet-harbour-lantern-42',
  acceptTerms: true,
});

async function queuedMail(api: TestApi) {
  return api.db.selectFrom('outbox').selectAll().where('sent_at', 'is', null).execute();
}

/** Lets the worker try every due mail `rounds` times, moving time to each next retry in between. */
async function retryThroughOutage(api: TestApi, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const due = (await queuedMail(api)).map((row) => row.next_attempt_at);
    api.clock.set(Math.max(api.clock.now(), ...due));
    await api.api.worker.drain();
  }
}

async function expectOneWorkingActivationMail(api: TestApi, email: string): Promise<void> {
  const mails = await api.mailsTo(email);
  expect(mails).toHaveLength(1);
  const activation = await api.request('POST', '/v1/activation', { token: activationTokenIn(mails[0]!) });
  expect(activation.status).toBe(200);
}

forEachDialect('SMTP outage', (t) => {
  it('accepts signups while the mail server refuses mail and delivers each mail once when it accepts again', async () => {
    const api = t();
    api.smtp.refuse();
    const start = api.clock.now();
    const emails = [uniqueEmail('outage'), uniqueEmail('outage')];

    for (const email of emails) {
      const signup = await api.request('POST', '/v1/accounts', signupFields(email));
      expect(signup.status).toBe(202);
      expect(signup.body).toEqual({ status: 'activation_sent' });
    }
    // Half an hour of outage: the worker keeps trying, nothing gets through, nothing is lost.
    await retryThroughOutage(api, 10);
    expect(api.clock.now() - start).toBeGreaterThan(30 * 60_000);
    const waiting = await queuedMail(api);
    expect(waiting).toHaveLength(2);
    for (const row of waiting) {
      expect(row.attempts).toBe(10);
      expect(row.last_error).toMatch(/451/);
    }
    expect(api.smtp.received).toHaveLength(0);

    api.smtp.accept();
    expect(await api.api.worker.drain()).toBe(0);
    api.clock.advance(retryDelay(Number.MAX_SAFE_INTEGER));
    expect(await api.api.worker.drain()).toBe(2);
    api.clock.advance(24 * 3_600_000);
    for (const email of emails) await expectOneWorkingActivationMail(api, email);
    expect(await queuedMail(api)).toHaveLength(0);
  });

  it('accepts signups while the mail server is not running at all and delivers each mail once after it restarts', async () => {
    const api = t();
    const port = api.smtp.port;
    await api.smtp.stop();
    const email = uniqueEmail('outage');

    const signup = await api.request('POST', '/v1/accounts', signupFields(email));
    expect(signup.status).toBe(202);
    expect(signup.body).toEqual({ status: 'activation_sent' });
    await retryThroughOutage(api, 4);
    const [waiting, ...others] = await queuedMail(api);
    expect(others).toHaveLength(0);
    expect(waiting?.attempts).toBe(4);
    expect(waiting?.last_error).toMatch(/ECONNREFUSED/);

    await api.smtp.start(port);
    expect(await api.mailsTo(email)).toHaveLength(0);
    api.clock.set(waiting!.next_attempt_at);
    await expectOneWorkingActivationMail(api, email);
    api.clock.advance(24 * 3_600_000);
    expect(await api.mailsTo(email)).toHaveLength(1);
  });
});
