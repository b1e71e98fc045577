import formBody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import Fastify, { LogController } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import pino, { type Logger } from 'pino';
import { endpoints } from '../common/contract/endpoints';
import { ActivationService } from './accounts/activation';
import { createArgon2Hasher, type PasswordHasher } from './accounts/password-hasher';
import { accountRoutes } from './accounts/routes';
import { SignupService } from './accounts/signup';
import { PendingAccountSweeper } from './accounts/pending-accounts';
import { AccountChanges } from './accounts/account-changes';
import { AccountDeletion, type AccountDeletedHook } from './accounts/account-deletion';
import { lifecycleRoutes } from './accounts/lifecycle-routes';
import { PasswordResets } from './accounts/password-reset';
import { lifecyclePages } from './http/lifecycle-pages';
import { AuditLog } from './admin/audit-log';
import type { Config } from './config';
import type { ServerContext } from './context';
import type { DatabaseHandle } from './db/connect';
import { Outbox } from './delivery/outbox';
import { OutboxWorker } from './delivery/outbox-worker';
import { fileMailTransport, smtpTransport, type MailTransport } from './delivery/transports';
import { activationPage } from './http/activation-page';
import { answerFrameworkError, installErrorHandling } from './http/error-handler';
import { loggerOptions, logRequests } from './http/logging';
import { Metrics } from './http/metrics';
import { RateLimiter } from './http/rate-limiter';
import { readinessRoutes } from './http/readiness';
import { ApiError } from './http/api-error';
import { route, type ApiInstance } from './http/route-types';
import { LoginService } from './login/login-service';
import { PasswordGuard } from './login/password-guard';
import { loginRoutes } from './login/routes';
import { Sessions } from './sessions/sessions';
import { systemClock, type Clock } from './support/clock';
import { cryptoRandom, type Random } from './support/random';
import { deriveKey, loadOrCreateSecretKey, SecretBox } from './support/secret-key';
import { fileSmsProvider, twilioDefaultBaseUrl, twilioSmsProvider, type SmsProvider } from './delivery/sms';
import { Challenges } from './mfa/challenges';
import { CodeFailures } from './mfa/code-failures';
import { EmailFactor, SmsFactor } from './mfa/code-factors';
import { FactorManagement } from './mfa/factor-management';
import type { FactorStrategy } from './mfa/factor-strategy';
import { MfaFlows } from './mfa/flows';
import { OneTimeCodes } from './mfa/one-time-codes';
import { SendLimits } from './mfa/send-limits';
import { RecoveryCodesFactor } from './mfa/recovery-codes';
import { mfaRoutes } from './mfa/routes';
import { StepUp } from './mfa/step-up';
import { TotpFactor } from './mfa/totp-factor';
import { TrustedDevices } from './sessions/trusted-devices';
import { MfaLogin } from './login/mfa-login';
import { adminRoutes } from './admin/routes';
import { MfaResets } from './admin/mfa-resets';
import { portalPages } from './portal/pages';
import path from 'node:path';
import type Provider from 'oidc-provider';
import { ClientStore } from './oidc/client-store';
import { OidcPayloadStore } from './oidc/payload-store';
import { SigningKeys } from './oidc/signing-keys';
import { createProvider } from './oidc/provider';
import { mountProvider } from './oidc/mount';
import { PortalServices, type PortalServiceParts } from './portal/portal-services';
import { portalBridge } from './portal/bridge';
import { portalInteractions } from './portal/interactions';
import { handoffPage } from './portal/handoff-page';
import { HandoffTickets } from './oidc/handoff-tickets';
import { portalApiRoutes } from './oidc/routes';

export interface AppOptions {
  config: Config;
  database: DatabaseHandle;
  clock?: Clock;
  random?: Random;
  hasher?: PasswordHasher;
  /** Defaults to SMTP when MAIL_URL is set, else the outbox folder in DATA_DIR. */
  mailTransport?: MailTransport;
  /** Defaults to SMS_PROVIDER: Twilio's API, or the outbox folder in DATA_DIR. */
  smsProvider?: SmsProvider;
  logger?: Logger;
  /** Start delivering mail in the background (the server does; tests usually drain by hand). */
  startWorker?: boolean;
  /** The OpenID provider's outgoing requests (back-channel logout); tests record them. */
  oidcFetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  workerPollMs?: number;
}

function smsProviderFor(config: Config, log: Logger): SmsProvider {
  const sms = config.sms;
  if (sms.provider === 'twilio') {
    return twilioSmsProvider({
      baseUrl: sms.baseUrl ?? twilioDefaultBaseUrl,
      accountSid: sms.accountSid,
      authToken: sms.authToken,
      from: sms.from,
    });
  }
  return fileSmsProvider(path.join(config.dataDir, 'outbox'), log);
}

/** The server key, and the one it replaced while PREVIOUS_SECRET_KEY is set (docs/operations.md). */
interface ServerKeys {
  current: Buffer;
  previous: Buffer | undefined;
}

/** Both keys derived for one purpose: the previous one only when there is one. */
function derived(keys: ServerKeys, purpose: string): [Buffer, Buffer | undefined] {
  return [deriveKey(keys.current, purpose), keys.previous && deriveKey(keys.previous, purpose)];
}

/** The second-factor services, each factor type one strategy behind one interface. */
function composeMfa(context: ServerContext, keys: ServerKeys, sessions: Sessions) {
  const seeds = new SecretBox(keys.current, 'totp', context.random, keys.previous);
  const codes = new OneTimeCodes(context, ...derived(keys, 'one-time-codes'));
  const recovery = new RecoveryCodesFactor(context, ...derived(keys, 'recovery-codes'));
  const limits = new SendLimits(context);
  const strategies = new Map<string, FactorStrategy>(
    [
      new EmailFactor(context, codes, limits),
      new SmsFactor(context, codes, limits),
      new TotpFactor(context, seeds),
      recovery,
    ].map((s) => [s.type, s]),
  );
  const flows = new MfaFlows(context);
  const challenges = new Challenges(context, flows, strategies, new CodeFailures(context));
  const devices = new TrustedDevices(context);
  return {
    flows,
    challenges,
    devices,
    sessions,
    factors: new FactorManagement(context, flows, challenges, recovery, sessions, devices),
    stepUp: new StepUp(context, flows, challenges, sessions),
    login: new MfaLogin(context, flows, challenges, sessions, devices),
  };
}

/**
 * The WEM Login Portal (docs/oidc.md): the OpenID provider with its clients, keys and payloads in the
 * database, the portal's bridge for the renderer's screens, and the provider's interactions.
 */
async function composeLoginPortal(
  app: ApiInstance,
  context: ServerContext,
  keys: ServerKeys,
  oidcFetch: AppOptions['oidcFetch'],
  parts: PortalServiceParts,
) {
  const { db, clock, random } = context;
  const clients = new ClientStore(
    db,
    clock,
    random,
    new SecretBox(keys.current, 'oidc-clients', random, keys.previous),
  );
  const signingKeys = new SigningKeys(
    db,
    clock,
    random,
    new SecretBox(keys.current, 'oidc-keys', random, keys.previous),
  );
  const payloads = new OidcPayloadStore(db, clock, clients);
  const portal = new PortalServices(context, parts);
  // The provider needs its signing keys, which are in the database: made at the first request that
  // needs it, so the API starts (and answers /healthz, /readyz) while the database is away.
  let provider: Promise<Provider> | undefined;
  const providerNow = () =>
    (provider ??= signingKeys
      .load()
      .then((signing) =>
        createProvider(context, {
          payloads,
          keys: signing,
          cookieKeys: derived(keys, 'oidc-cookies')
            .filter((key): key is Buffer => key !== undefined)
            .map((key) => key.toString('base64url')),
          portalSession: portal.browserSession,
          ...(oidcFetch ? { fetch: oidcFetch } : {}),
          onEndSession: async (koa) => {
            for (const cookie of await portal.signOut(koa.get('cookie') || undefined, koa.ip))
              koa.append('set-cookie', cookie);
          },
        }),
      )
      .catch((error: unknown) => {
        provider = undefined;
        throw error;
      }));
  // Made now when the database is there (so the first keys exist from the first start); else later.
  await providerNow().catch((error: unknown) =>
    context.log.warn({ reason: String(error) }, 'OpenID provider not ready: its keys could not be read yet'),
  );
  await mountProvider(app, providerNow);
  const tickets = new HandoffTickets(context);
  portalApiRoutes(app, context, { sessions: parts.sessions, clients, tickets });
  portalBridge(app, portal);
  portalInteractions(app, portal, providerNow, clients, payloads);
  handoffPage(app, portal, clients, tickets);
  return { providerNow, clients, signingKeys, payloads, portal };
}

export interface AccountApi {
  app: ApiInstance;
  context: ServerContext;
  worker: OutboxWorker;
  /** Deleting accounts, for support's CLI as well as DELETE /v1/me. */
  deletion: AccountDeletion;
  /** The login portal's relying parties (what `npm run admin -- client …` manages). */
  clients: ClientStore;
  /** The OpenID provider's signing keys (`npm run admin -- oidc rotate-keys`). */
  signingKeys: SigningKeys;
  /** Stops taking requests, finishes the ones in flight, stops the worker. Leaves the database open. */
  close(): Promise<void>;
}

const bodyLimit = 64 * 1024;

/** The composition root of the account API: every collaborator is made here and passed in. */
export async function buildApp(options: AppOptions): Promise<AccountApi> {
  const { config, database } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  // Written asynchronously: lines logged while a write is under way go out together in the next one,
  // instead of one blocking write(2) per line on the request path (half of what logging cost under load,
  // bench/ figure 4). pino flushes what is left when the process exits.
  const log =
    options.logger ?? pino(loggerOptions(config.logLevel), pino.destination({ dest: 1, sync: false }));
  const keys: ServerKeys = {
    current: loadOrCreateSecretKey(config.secretKey, config.dataDir, random),
    previous: config.previousSecretKey ? Buffer.from(config.previousSecretKey, 'base64') : undefined,
  };
  const transport =
    options.mailTransport ??
    (config.mailUrl
      ? smtpTransport(config.mailUrl)
      : fileMailTransport(path.join(config.dataDir, 'outbox'), log));

  const metrics = config.metricsToken ? new Metrics(config.metricsToken, database.db) : undefined;
  // The worker is made below; by the time anything is queued and kicked, it exists.
  const outboxBox = new SecretBox(keys.current, 'outbox', random, keys.previous);
  const outbox = new Outbox(clock, random, outboxBox, () => worker.kick());
  const context: ServerContext = {
    config,
    db: database.db,
    dialect: database.dialect,
    clock,
    random,
    hasher: options.hasher ?? createArgon2Hasher(),
    outbox,
    audit: new AuditLog(clock, random),
    limiter: new RateLimiter(database.db, clock),
    log,
  };
  const worker = new OutboxWorker(
    database.db,
    database.dialect,
    outbox,
    transport,
    clock,
    log.child({ component: 'outbox' }),
    {
      from: config.mailFrom,
      pollMs: options.workerPollMs,
      sms: options.smsProvider ?? smsProviderFor(config, log),
      onDeliveryFailed: metrics?.deliveryFailed,
    },
  );

  const app = Fastify({
    loggerInstance: log,
    // One line per request instead of Fastify's two (logRequests below): the log is a fifth of what a
    // cheap request costs (bench/, figure 4).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: 200 },
    // While closing, requests on kept-alive connections get the contract's 503 (hook below), not Fastify's.
    return503OnClosing: false,
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();
  // JSON in and out (docs/api.md): a text/plain body is a 415, not a string the schema then refuses.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('session', null);
  installErrorHandling(app);
  logRequests(app);
  metrics?.install(app);
  const strictTransport = config.publicUrl.startsWith('https://');
  // Every answer: no MIME sniffing. API answers carry tokens, codes and personal data: never cached.
  // HSTS only where the public address is https (docs/security.md 38).
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (request.url.startsWith('/v1/') && !reply.hasHeader('cache-control'))
      void reply.header('cache-control', 'no-store');
    if (strictTransport)
      void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  let closing = false;
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    void reply.header('connection', 'close');
    throw new ApiError('service_unavailable', { retryAfterSeconds: 1 });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'WEM Account API',
        version: '1',
        description: 'Accounts, activation, login, MFA and sessions for WEM.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  const sessions = new Sessions(context);
  const activation = new ActivationService(context);
  const mfa = composeMfa(context, keys, sessions);
  const guard = new PasswordGuard(database.db, clock);
  // Parts that keep rows of an account outside its cascading foreign keys add their clean-up here.
  const onAccountDeleted: AccountDeletedHook[] = [];
  const deletion = new AccountDeletion(context, guard, onAccountDeleted);
  const changes = new AccountChanges(context, guard, sessions, mfa.devices);
  const signup = new SignupService(context);
  const login = new LoginService(context, guard, sessions, mfa.flows, mfa.devices);
  route(app, endpoints.health, [], async () => ({ status: 'ok' as const }));
  route(app, endpoints.info, [], async () => ({
    activationLinkValidSeconds: Math.floor(config.activationLinkTtlMs / 1000),
    supportEmail: config.supportEmail,
  }));
  readinessRoutes(app, database.db);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  accountRoutes(app, context, { signup, activation, sessions });
  loginRoutes(app, context, {
    login,
    mfaLogin: mfa.login,
    sessions,
    devices: mfa.devices,
  });
  mfaRoutes(app, context, mfa);
  const resets = new PasswordResets(context, mfa.flows, mfa.challenges, sessions, mfa.devices, guard);
  lifecycleRoutes(app, {
    resets,
    changes,
    deletion,
    sessions,
  });
  adminRoutes(app, context, sessions, new MfaResets(context));
  // Only the activation pages take browser form posts; the /v1 API stays JSON-only, so a cross-site
  // HTML form cannot drive it.
  await app.register(async (pages: ApiInstance) => {
    await pages.register(formBody, { bodyLimit: 4096 });
    activationPage(pages, activation);
    lifecyclePages(pages, changes);
  });
  await app.register(portalPages, { rendererDir: config.portalRendererDir });

  const oidc = await composeLoginPortal(app, context, keys, options.oidcFetch, {
    signup,
    activation,
    login,
    mfaLogin: mfa.login,
    factors: mfa.factors,
    stepUp: mfa.stepUp,
    sessions,
    devices: mfa.devices,
    resets,
    changes,
    deletion,
    version: process.env.npm_package_version ?? '',
  });
  // A deleted account leaves no provider session, grant or token behind (docs/security.md 70).
  onAccountDeleted.push((trx, accountId) => oidc.payloads.removeOfAccount(trx, accountId));

  await app.ready();
  const sweeper = new PendingAccountSweeper(context);
  let oidcSweep: NodeJS.Timeout | undefined;
  if (options.startWorker) {
    worker.start();
    sweeper.start();
    oidcSweep = setInterval(() => {
      oidc.payloads.sweepExpired().catch((error: unknown) => log.warn({ err: error }, 'OIDC sweep failed'));
    }, 10 * 60_000);
    oidcSweep.unref();
  }

  return {
    app,
    context,
    worker,
    deletion,
    clients: oidc.clients,
    signingKeys: oidc.signingKeys,
    async close() {
      closing = true;
      await app.close();
      sweeper.stop();
      clearInterval(oidcSweep);
      await worker.stop();
    },
  };
}
