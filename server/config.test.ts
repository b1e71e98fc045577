import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const hour = 3_600_000;

/** The ConfigError loadConfig throws for this environment (fails the test if it accepts it). */
function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4300,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:4300',
      dataDir: './data',
      databaseUrl: undefined,
      mailUrl: undefined,
      sms: { provider: 'outbox' },
      activationLinkTtlMs: 48 * hour,
      trustedDeviceTtlMs: 7 * 24 * hour,
      sessionTtlMs: 12 * hour,
      sessionIdleTtlMs: hour,
      secretKey: undefined,
      trustProxy: false,
      supportEmail: 'support@wem.io',
    });
  });

  it('treats empty variables as not set', () => {
    const config = loadConfig({ PORT: '', SESSION_TTL: '', MAIL_URL: '', DATABASE_URL: '' });
    expect(config.port).toBe(4300);
    expect(config.sessionTtlMs).toBe(12 * hour);
    expect(config.mailUrl).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads every documented variable', () => {
    const secretKey = Buffer.alloc(32, 1).toString('base64');
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://account.example.net/',
      DATA_DIR: '/var/lib/wem',
      DATABASE_URL: 'postgres://wem@db.example.net/wem',
      MAIL_URL: 'smtps://mailer:pw@smtp.example.net:465',
      MAIL_FROM: 'WEM <account@example.net>',
      SUPPORT_EMAIL: 'help@example.net',
      ACTIVATION_LINK_TTL: '24h',
      TRUSTED_DEVICE_TTL: '14d',
      SESSION_TTL: '8h',
      SESSION_IDLE_TTL: '15m',
      SECRET_KEY: secretKey,
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'https://account.example.net',
      dataDir: '/var/lib/wem',
      databaseUrl: 'postgres://wem@db.example.net/wem',
      mailUrl: 'smtps://mailer:pw@smtp.example.net:465',
      mailFrom: 'WEM <account@example.net>',
      supportEmail: 'help@example.net',
      activationLinkTtlMs: 24 * hour,
      trustedDeviceTtlMs: 14 * 24 * hour,
      sessionTtlMs: 8 * hour,
      sessionIdleTtlMs: 15 * 60_000,
      secretKey,
    });
  });

  it('accepts compound durations such as 1h30m', () => {
    expect(loadConfig({ SESSION_IDLE_TTL: '1h30m' }).sessionIdleTtlMs).toBe(1.5 * hour);
  });

  it('points the default public URL at the configured host and port', () => {
    expect(loadConfig({ HOST: 'localhost', PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ HOST: '::1' }).publicUrl).toBe('http://[::1]:4300');
  });

  it('accepts a SQLite file or URL as the database', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/wem.sqlite' }).databaseUrl).toBe('sqlite:/tmp/wem.sqlite');
    expect(loadConfig({ DATABASE_URL: './wem.sqlite' }).databaseUrl).toBe('./wem.sqlite');
  });

  it('reports several bad values at once, one line per bad variable, each naming it', () => {
    const error = refusal({ PORT: 'abc', ACTIVATION_LINK_TTL: '2x', MAIL_URL: 'http://x' });
    expect(error.problems).toHaveLength(3);
    expect(error.problems.map((line) => line.split(':')[0]).sort()).toEqual([
      'ACTIVATION_LINK_TTL',
      'MAIL_URL',
      'PORT',
    ]);
    for (const problem of error.problems) expect(error.message).toContain(problem);
    expect(error.message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(3);
  });

  it('names every bad variable even when all of them are wrong', () => {
    const env = {
      PORT: '70000',
      PUBLIC_URL: 'ftp://files.example.net',
      DATABASE_URL: 'mysql://db.example.net/wem',
      MAIL_URL: 'not a url',
      SMS_PROVIDER: 'carrier-pigeon',
      ACTIVATION_LINK_TTL: '2 days',
      TRUSTED_DEVICE_TTL: '-7d',
      SESSION_TTL: '0s',
      SESSION_IDLE_TTL: '1.5h',
      SECRET_KEY: 'c2hvcnQ=',
      LOG_LEVEL: 'loud',
      TRUST_PROXY: 'yes',
      SUPPORT_EMAIL: 'write to us',
    };
    const error = refusal(env);
    expect(error.problems.map((line) => line.split(':')[0]).sort()).toEqual(Object.keys(env).sort());
  });

  it('reports a missing Twilio setting together with the other mistakes', () => {
    const error = refusal({ PORT: 'abc', SMS_PROVIDER: 'twilio', SMS_AUTH_TOKEN: 'long-enough-token' });
    expect(error.problems.map((line) => line.split(':')[0]).sort()).toEqual([
      'PORT',
      'SMS_ACCOUNT_SID',
      'SMS_FROM',
    ]);
  });

  it('quotes the bad duration so the operator sees what was read', () => {
    const [problem] = refusal({ SESSION_TTL: '12 hours' }).problems;
    expect(problem).toMatch(/^SESSION_TTL: /);
    expect(problem).toContain('"12 hours"');
  });

  it.each(['abc', '70000', '-1', '80.5', ' ', '0x10', '1e3', '80 80'])('refuses PORT=%j', (port) => {
    expect(refusal({ PORT: port }).problems).toEqual([expect.stringMatching(/^PORT: /)]);
  });

  it('reads the previous server key of a rotation, and refuses a short one or the current key again', () => {
    const current = Buffer.alloc(32, 1).toString('base64');
    const previous = Buffer.alloc(32, 2).toString('base64');
    expect(loadConfig({ SECRET_KEY: current, PREVIOUS_SECRET_KEY: previous }).previousSecretKey).toBe(
      previous,
    );
    expect(refusal({ PREVIOUS_SECRET_KEY: 'c2hvcnQ=' }).problems).toEqual([
      expect.stringMatching(/^PREVIOUS_SECRET_KEY: /),
    ]);
    const same = refusal({ SECRET_KEY: current, PREVIOUS_SECRET_KEY: current });
    expect(same.problems).toEqual(['PREVIOUS_SECRET_KEY: is the same key as SECRET_KEY']);
    expect(same.message).not.toContain(current);
  });

  it('does not put a secret key into its error message', () => {
    const error = refusal({ SECRET_KEY: 'dG9vLXNob3J0LXNlY3JldA==', PORT: 'abc' });
    expect(error.message).not.toContain('dG9vLXNob3J0LXNlY3JldA==');
  });
});
