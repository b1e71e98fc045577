import { z } from 'zod';
import { parseDuration } from './support/duration';

/**
 * Configuration comes from the environment only (docs/api.md "Configuration"). Every bad value is reported
 * at once, one line each, before anything starts.
 */

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 48h, 7d, 30m or 10s` });
        return z.NEVER;
      }
      return ms;
    });

const httpUrl = () =>
  z
    .string()
    .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), {
      message: 'must be an http:// or https:// URL',
    })
    .transform((text) => text.replace(/\/+$/, ''));

const serverKey = () =>
  z
    .string()
    .refine((text) => Buffer.from(text, 'base64').length >= 32, {
      message: 'must be at least 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
    })
    .optional();

const count = (fallback: number) =>
  z
    .string()
    .refine((text) => /^\d{1,9}$/.test(text) && Number(text) > 0, {
      message: 'must be a whole number above 0',
    })
    .transform(Number)
    .default(fallback);

const envSchema = z.object({
  // Digits only: Number() would read " " as 0, "0x10" as 16 and "1e3" as 1000 without a word.
  PORT: z
    .string()
    .refine((text) => /^\d{1,5}$/.test(text) && Number(text) <= 65535, {
      message: 'must be a port number (0-65535)',
    })
    .transform(Number)
    .default(4300),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: httpUrl().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((text) => /^(postgres(ql)?:\/\/|sqlite:|file:)/.test(text) || !text.includes('://'), {
      message: 'must be postgres://…, sqlite:<path> or a file path',
    })
    .optional(),
  MAIL_URL: z
    .string()
    .refine((text) => /^smtps?:\/\//.test(text) && URL.canParse(text), {
      message: 'must be an smtp:// or smtps:// URL',
    })
    .optional(),
  MAIL_FROM: z.string().min(3).default('WEM Account <no-reply@wem.local>'),
  // Where users write for help; the desktop app shows it (GET /v1/info, docs/operations.md).
  SUPPORT_EMAIL: z.email('must be an email address').default('support@wem.io'),
  // The built renderer the login portal serves (npm run build:renderer); default out/renderer here.
  PORTAL_RENDERER_DIR: z.string().min(1).optional(),
  SMS_PROVIDER: z.enum(['outbox', 'twilio'], { message: 'must be outbox or twilio' }).default('outbox'),
  SMS_API_URL: httpUrl().optional(),
  SMS_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC + 32 hex digits)')
    .optional(),
  SMS_AUTH_TOKEN: z.string().min(8, 'is too short').optional(),
  SMS_FROM: z.string().min(3, 'must be a sender number (E.164) or id').optional(),
  // Empty: every country may receive codes, each throttled on its own (docs/operations.md).
  SMS_ALLOWED_COUNTRIES: z
    .string()
    .regex(
      /^\s*[A-Za-z]{2}(\s*,\s*[A-Za-z]{2})*\s*$/,
      'must be ISO country codes separated by commas, e.g. NL,BE,DE',
    )
    .transform((text) => text.split(',').map((code) => code.trim().toUpperCase()))
    .optional(),
  SMS_HOURLY_LIMIT: count(500),
  SMS_COUNTRY_HOURLY_LIMIT: count(50),
  MAIL_CODE_HOURLY_LIMIT: count(2000),
  ACTIVATION_LINK_TTL: duration('48h'),
  PENDING_ACCOUNT_TTL: duration('7d'),
  PASSWORD_RESET_TTL: duration('1h'),
  TRUSTED_DEVICE_TTL: duration('7d'),
  SESSION_TTL: duration('12h'),
  SESSION_IDLE_TTL: duration('1h'),
  SECRET_KEY: serverKey(),
  // The key SECRET_KEY replaced, during and after a rotation (docs/operations.md): what it sealed still
  // opens, and codes and recovery codes it keyed still work.
  PREVIOUS_SECRET_KEY: serverKey(),
  // /metrics is served only with this bearer token; without it the route does not exist.
  METRICS_TOKEN: z
    .string()
    .regex(
      /^[\x21-\x7e]{24,}$/,
      'must be at least 24 printable characters, no spaces (e.g. `openssl rand -hex 24`)',
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  mailUrl: string | undefined;
  mailFrom: string;
  /** Where users write for help, announced to clients by GET /v1/info. */
  supportEmail: string;
  /** The built renderer behind /portal/ (server/portal/pages.ts); undefined: out/renderer. */
  portalRendererDir: string | undefined;
  sms:
    | { provider: 'outbox' }
    | {
        provider: 'twilio';
        baseUrl: string | undefined;
        accountSid: string;
        authToken: string;
        from: string;
      };
  activationLinkTtlMs: number;
  /** How long a mailed password-reset link works (docs/api.md "Account lifecycle"). */
  passwordResetTtlMs: number;
  /** A never-activated account is removed this long after its last activation link. */
  pendingAccountTtlMs: number;
  /** Caps on code sends that cost money or reach strangers; see docs/operations.md "Abuse limits". */
  sendLimits: {
    smsAllowedCountries: string[] | undefined;
    smsPerHour: number;
    smsPerCountryPerHour: number;
    mailCodesPerHour: number;
  };
  trustedDeviceTtlMs: number;
  sessionTtlMs: number;
  sessionIdleTtlMs: number;
  secretKey: string | undefined;
  /** The server key before the last rotation (base64), accepted alongside SECRET_KEY; see docs/operations.md. */
  previousSecretKey: string | undefined;
  logLevel: string;
  trustProxy: boolean;
  /** Bearer token for GET /metrics; undefined: no metrics are collected or served. */
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set": shells and .env files produce them by accident.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`);
  // Checked on the raw environment, so a missing Twilio setting is reported together with other mistakes.
  if (present.SMS_PROVIDER === 'twilio') {
    for (const name of ['SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'] as const) {
      if (!present[name]) problems.push(`${name}: is required when SMS_PROVIDER=twilio`);
    }
  }
  if (
    present.PREVIOUS_SECRET_KEY &&
    present.SECRET_KEY &&
    Buffer.from(present.PREVIOUS_SECRET_KEY, 'base64').equals(Buffer.from(present.SECRET_KEY, 'base64'))
  )
    problems.push('PREVIOUS_SECRET_KEY: is the same key as SECRET_KEY');
  if (parsed.success && parsed.data.PENDING_ACCOUNT_TTL < parsed.data.ACTIVATION_LINK_TTL)
    problems.push(
      'PENDING_ACCOUNT_TTL: must be at least ACTIVATION_LINK_TTL, or links would outlive their account',
    );
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    mailUrl: e.MAIL_URL,
    mailFrom: e.MAIL_FROM,
    supportEmail: e.SUPPORT_EMAIL,
    portalRendererDir: e.PORTAL_RENDERER_DIR,
    sms:
      e.SMS_PROVIDER === 'twilio'
        ? {
            provider: 'twilio',
            baseUrl: e.SMS_API_URL,
            accountSid: e.SMS_ACCOUNT_SID ?? '',
            authToken: e.SMS_AUTH_TOKEN ?? '',
            from: e.SMS_FROM ?? '',
          }
        : { provider: 'outbox' },
    activationLinkTtlMs: e.ACTIVATION_LINK_TTL,
    passwordResetTtlMs: e.PASSWORD_RESET_TTL,
    pendingAccountTtlMs: e.PENDING_ACCOUNT_TTL,
    sendLimits: {
      smsAllowedCountries: e.SMS_ALLOWED_COUNTRIES,
      smsPerHour: e.SMS_HOURLY_LIMIT,
      smsPerCountryPerHour: e.SMS_COUNTRY_HOURLY_LIMIT,
      mailCodesPerHour: e.MAIL_CODE_HOURLY_LIMIT,
    },
    trustedDeviceTtlMs: e.TRUSTED_DEVICE_TTL,
    sessionTtlMs: e.SESSION_TTL,
    sessionIdleTtlMs: e.SESSION_IDLE_TTL,
    secretKey: e.SECRET_KEY,
    previousSecretKey: e.PREVIOUS_SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
  };
}
